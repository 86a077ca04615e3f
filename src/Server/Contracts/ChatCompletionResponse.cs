namespace Server.Contracts;

/// <summary>Non-streaming <c>/v1/chat/completions</c> response (api.md §7.3).</summary>
public sealed record ChatCompletionResponse(
    string Id, string Object, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage,
    string? SystemFingerprint);
