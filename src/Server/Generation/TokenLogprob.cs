namespace Server.Generation;

/// <summary>The sampled token's log-probability and the best alternatives, sorted descending (ties by id).</summary>
public sealed record TokenLogprob(int TokenId, float Logprob, IReadOnlyList<TopLogprob> Top)
{
    /// <summary>The token's text where it stands in the output (joins with its neighbours to the text); null = unknown.</summary>
    public string? Text { get; init; }

    /// <summary>The bytes the token stands for (chat <c>bytes</c>); null = the UTF-8 of the text.</summary>
    public byte[]? Bytes { get; init; }
}
