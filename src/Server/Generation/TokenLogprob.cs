namespace Server.Generation;

/// <summary>The sampled token's log-probability and the best alternatives, sorted descending (ties by id).</summary>
public sealed record TokenLogprob(int TokenId, float Logprob, IReadOnlyList<TopLogprob> Top);
