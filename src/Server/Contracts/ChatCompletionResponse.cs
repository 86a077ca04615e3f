using System.Text.Json.Serialization;

namespace Server.Contracts;

/// <summary>Non-streaming <c>/v1/chat/completions</c> response (api.md §7.3).</summary>
public sealed record ChatCompletionResponse(
    string Id, string Object, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage,
    string? SystemFingerprint)
{
    /// <summary>api.md §4.6 (at the top level for chat), only when the request asked for <c>prompt_logprobs</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Dictionary<string, PromptLogprobEntry>?>? PromptLogprobs { get; init; }
}
