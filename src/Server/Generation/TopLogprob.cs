namespace Server.Generation;

/// <summary>One alternative token and its log-probability (−∞ is reported as −9999).</summary>
public readonly record struct TopLogprob(int TokenId, float Logprob)
{
    /// <summary>The alternative's text had it stood in the sampled token's place; null = unknown.</summary>
    public string? Text { get; init; }

    /// <summary>The bytes the alternative stands for; null = the UTF-8 of the text.</summary>
    public byte[]? Bytes { get; init; }
}
