using Engine.Output;
using Engine.Sampling;
using Engine.Scheduling;

namespace Engine.Generation;

/// <summary>
/// One generated token of a sequence, as the core thread publishes it. The last output of a sequence carries its
/// <see cref="FinishReason"/>; an EOS or stop token that ended generation is delivered as that last token, with
/// <see cref="KeepTokenText"/> false unless <c>include_stop_str_in_output</c>. <see cref="TokenId"/> is −1 when
/// the samplers removed every token (finish "stop", nothing appended).
/// </summary>
public readonly record struct GenerationOutput(int TokenId, FinishReason? FinishReason)
{
    /// <summary>ln p of the token under the final distribution (samplers.md §10).</summary>
    public float Logprob { get; init; }

    /// <summary>The best alternatives when the request asked for logprobs ≥ 1, else null.</summary>
    public TokenLogprob[]? TopLogprobs { get; init; }

    /// <summary>The <c>stop_token_ids</c> entry that finished the sequence (its stop_reason), else null.</summary>
    public int? StopTokenId { get; init; }

    public bool KeepTokenText { get; init; } = true;

    /// <summary>On a sequence's first output when it asked for <c>prompt_logprobs</c>: one entry per prompt token, the first null.</summary>
    public IReadOnlyList<PromptLogprob?>? PromptLogprobs { get; init; }
}
