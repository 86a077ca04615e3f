using Engine.Output;

namespace Engine.Sampling;

/// <summary>A live beam of <see cref="BeamSearchState"/>: its output tokens, their summed log-probability and each token's logprobs.</summary>
public sealed record Beam(IReadOnlyList<int> Tokens, double CumulativeLogprob, IReadOnlyList<SampleLogprobs> Logprobs);
