namespace Server.Contracts;

/// <summary>The reply message; <see cref="ToolCalls"/> holds the calls of a tool reply (api.md §7.6), else is empty.</summary>
public sealed record ChatResponseMessage(string Role, string? Content, IReadOnlyList<ChatToolCall> ToolCalls);
