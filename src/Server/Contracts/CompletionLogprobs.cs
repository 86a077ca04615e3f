namespace Server.Contracts;

/// <summary>
/// The completions logprobs object (api.md §4.4): parallel arrays, one entry per token; each top dict
/// holds the k best alternatives plus the sampled token, keyed by decoded text.
/// </summary>
public sealed record CompletionLogprobs(
    IReadOnlyList<string> Tokens, IReadOnlyList<float?> TokenLogprobs,
    IReadOnlyList<Dictionary<string, float>?> TopLogprobs, IReadOnlyList<int> TextOffset);
