namespace Engine.Sampling;

/// <summary>
/// A finished candidate of <see cref="BeamSearch"/> or <see cref="BestOfSampling"/>: its output tokens,
/// the sum of its tokens' final-distribution log-probabilities, its ranking score and why it finished.
/// <see cref="Choice"/> is the RNG choice index it was sampled with (beam search: 0).
/// </summary>
public sealed record GeneratedSequence(IReadOnlyList<int> Tokens, double CumulativeLogprob, double Score, StopDecision Finish, int Choice = 0)
{
    /// <summary>Each token's log-probability and its best alternatives (beam search; empty where not recorded).</summary>
    public IReadOnlyList<Output.SampleLogprobs> Logprobs { get; init; } = [];
}
