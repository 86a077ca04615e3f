namespace Bench.Server;

/// <summary>One request's outcome: arrival time of each content chunk (from send), tokens generated, total time.</summary>
internal sealed record RequestSample(bool Ok, IReadOnlyList<TimeSpan> ChunkTimes, int Tokens, TimeSpan Total);
