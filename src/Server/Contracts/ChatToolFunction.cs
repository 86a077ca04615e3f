namespace Server.Contracts;

/// <summary>The called function's name and its arguments as JSON text.</summary>
public sealed record ChatToolFunction(string Name, string Arguments);
