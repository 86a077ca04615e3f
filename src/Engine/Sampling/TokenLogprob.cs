namespace Engine.Sampling;

/// <summary>A token id with its log-probability; removed tokens carry <see cref="TokenLogprobs.Removed"/> (−9999).</summary>
public readonly record struct TokenLogprob(int TokenId, float Logprob);
