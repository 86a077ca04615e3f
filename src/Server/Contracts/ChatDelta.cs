using System.Text.Json.Serialization;

namespace Server.Contracts;

/// <summary>The message delta: <c>role</c> only in the first chunk, <c>content</c> absent in an empty final delta.</summary>
public sealed record ChatDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);
