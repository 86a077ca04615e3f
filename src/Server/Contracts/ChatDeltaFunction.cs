using System.Text.Json.Serialization;

namespace Server.Contracts;

/// <summary>The function part of a streamed tool-call piece; absent members were sent in an earlier piece.</summary>
public sealed record ChatDeltaFunction(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Arguments);
