namespace Server.Generation;

/// <summary>A prompt token's log-probability given the prompt before it, its 1-based rank, and the best alternatives (samplers.md §10).</summary>
public sealed record PromptTokenLogprob(int TokenId, float Logprob, int Rank, IReadOnlyList<TopLogprob> Top);
