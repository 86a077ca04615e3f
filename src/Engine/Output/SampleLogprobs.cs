using Engine.Sampling;

namespace Engine.Output;

/// <summary>A sampled token's ln p under the final distribution and the best alternatives (samplers.md §10).</summary>
public sealed record SampleLogprobs(int TokenId, float Logprob, IReadOnlyList<TokenLogprob> Top)
{
    /// <summary>The token's text in context (null without detokenization).</summary>
    public TokenPiece? Piece { get; init; }

    /// <summary>Each alternative's text had it been sampled instead, in the same context; parallel to <see cref="Top"/>.</summary>
    public IReadOnlyList<TokenPiece>? TopPieces { get; init; }
}
