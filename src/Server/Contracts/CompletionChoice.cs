using System.Text.Json.Serialization;
using Server.Generation;

namespace Server.Contracts;

/// <summary>One completion choice; <see cref="Seed"/> and <see cref="Tokens"/> are Friendli extras (api.md §12.6).</summary>
public sealed record CompletionChoice(
    int Index, string Text, CompletionLogprobs? Logprobs, string? FinishReason, StopReason? StopReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Seed,
    IReadOnlyList<int> Tokens)
{
    /// <summary>api.md §4.6, only when the request asked for <c>prompt_logprobs</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Dictionary<string, PromptLogprobEntry>?>? PromptLogprobs { get; init; }
}
