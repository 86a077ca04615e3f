using System.Text.Json.Serialization;

namespace Server.Contracts;

/// <summary>
/// One piece of a streamed tool call: <see cref="Index"/> says which call of the choice it extends; <c>id</c>,
/// <c>type</c> and the function name come in its first piece, argument text after (OpenAI's delta form).
/// </summary>
public sealed record ChatDeltaToolCall(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type,
    ChatDeltaFunction Function);
