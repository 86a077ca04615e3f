namespace Server.Contracts;

/// <summary>Non-streaming <c>/v1/completions</c> response (api.md §6.3).</summary>
public sealed record CompletionResponse(
    string Id, string Object, long Created, string Model, IReadOnlyList<CompletionChoice> Choices, Usage Usage,
    string? SystemFingerprint);
