using Engine.Output;
using Engine.Scheduling;

namespace Engine.Generation;

/// <summary>
/// New output of one choice of an <see cref="EngineRequest"/>: the text and token ids produced since its previous
/// output. Each choice ends with exactly one output whose <see cref="FinishReason"/> is set.
/// </summary>
/// <param name="Choice">0 … n−1 (with best_of &gt; n: the rank, best first).</param>
/// <param name="Text">Text delta: stop strings cut, possible stop-string prefixes held back, EOS/stop token text dropped.</param>
/// <param name="TokenIds">Token ids since the previous output (an EOS or stop token that finished the choice included).</param>
/// <param name="Logprobs">One entry per id in <paramref name="TokenIds"/> when the request asked for logprobs, else null.</param>
/// <param name="StopString">The stop string that matched (stop_reason), else null.</param>
/// <param name="StopTokenId">The <c>stop_token_ids</c> entry that matched (stop_reason), else null.</param>
/// <param name="Seed">The seed of this choice's RNG identity.</param>
/// <param name="CumulativeLogprob">Sum of ln p of the choice's tokens so far.</param>
public sealed record RequestOutput(
    int Choice, string Text, IReadOnlyList<int> TokenIds, IReadOnlyList<SampleLogprobs>? Logprobs,
    FinishReason? FinishReason, string? StopString, int? StopTokenId, long Seed, double CumulativeLogprob)
{
    /// <summary>
    /// With <c>prompt_logprobs</c>: on the choice's first output (and its whole output), one entry per prompt token,
    /// the first null (samplers.md §10); else null.
    /// </summary>
    public IReadOnlyList<PromptLogprob?>? PromptLogprobs { get; init; }

    /// <summary>With <see cref="PromptLogprobs"/> and a tokenizer: each prompt token's text in the prompt (special
    /// tokens kept, so the pieces join to the decoded prompt); else null.</summary>
    public IReadOnlyList<TokenPiece>? PromptPieces { get; init; }
}
