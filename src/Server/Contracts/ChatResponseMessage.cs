namespace Server.Contracts;

/// <summary>The reply message; <see cref="ToolCalls"/> stays empty until a tool parser exists.</summary>
public sealed record ChatResponseMessage(string Role, string? Content, IReadOnlyList<ChatToolCall> ToolCalls);
