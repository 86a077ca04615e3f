namespace Engine.Tokenization;

/// <summary>A span of a pre-token that a split pattern matched (<see cref="IsMatch"/>) or skipped over; the spans of
/// one <c>FindMatches</c> call tile the input in order.</summary>
internal readonly record struct SplitMatch(int Start, int End, bool IsMatch);
