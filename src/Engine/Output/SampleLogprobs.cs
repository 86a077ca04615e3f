using Engine.Sampling;

namespace Engine.Output;

/// <summary>A sampled token's ln p under the final distribution and the best alternatives (samplers.md §10).</summary>
public sealed record SampleLogprobs(int TokenId, float Logprob, IReadOnlyList<TokenLogprob> Top);
