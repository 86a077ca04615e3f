using Engine.Sampling;

namespace Engine.Output;

/// <summary>
/// A prompt token's log-probability given the prompt before it (samplers.md §10: log_softmax of the raw logits),
/// its 1-based rank in that distribution (1 + the number of tokens strictly more likely) and the <c>prompt_logprobs</c>
/// most likely tokens, by logprob descending, ties by id.
/// </summary>
public sealed record PromptLogprob(int TokenId, float Logprob, int Rank, IReadOnlyList<TokenLogprob> Top)
{
    /// <summary>Each alternative's text at this position of the prompt; parallel to <see cref="Top"/> (null without detokenization).</summary>
    public IReadOnlyList<TokenPiece>? TopPieces { get; init; }
}
