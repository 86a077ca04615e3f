namespace Server.Generation;

/// <summary>One alternative token and its log-probability (−∞ is reported as −9999).</summary>
public readonly record struct TopLogprob(int TokenId, float Logprob);
