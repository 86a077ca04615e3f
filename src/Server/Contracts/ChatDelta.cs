using System.Text.Json.Serialization;

namespace Server.Contracts;

/// <summary>
/// The message delta: <c>role</c> only in the first chunk, <c>content</c> absent in an empty final delta,
/// <c>tool_calls</c> only in tool-call chunks (api.md §8.3).
/// </summary>
public sealed record ChatDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ChatDeltaToolCall>? ToolCalls = null);
