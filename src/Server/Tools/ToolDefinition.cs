namespace Server.Tools;

/// <summary>One entry of <c>tools</c>: a function's name and its parameters JSON Schema as text.</summary>
public sealed record ToolDefinition(string Name, string ParametersSchema);
