namespace Server.Generation;

/// <summary>
/// New output of one choice: the text and token ids produced since its previous chunk. The last chunk of
/// a choice carries <see cref="FinishReason"/> ("stop", "length", "abort").
/// </summary>
/// <param name="Choice">Choice index within the prompt, 0 … n−1.</param>
/// <param name="Text">Text delta (stop strings already cut, hold-back already applied).</param>
/// <param name="TokenIds">Token ids generated since the previous chunk of this choice.</param>
/// <param name="Logprobs">One entry per id in <paramref name="TokenIds"/> when logprobs were requested, else null.</param>
/// <param name="Seed">The seed this choice uses (reported to Friendli clients), or null if unknown.</param>
public sealed record GenerationChunk(
    int Choice, string Text, IReadOnlyList<int> TokenIds, IReadOnlyList<TokenLogprob>? Logprobs,
    string? FinishReason, StopReason? StopReason, long? Seed)
{
    /// <summary>On a choice's first chunk when prompt logprobs were asked: one entry per prompt token, the first null.</summary>
    public IReadOnlyList<PromptTokenLogprob?>? PromptLogprobs { get; init; }

    /// <summary>With <see cref="PromptLogprobs"/>: each prompt token's text in the prompt (they join to the decoded prompt); null = unknown.</summary>
    public IReadOnlyList<string>? PromptTokenTexts { get; init; }
}
