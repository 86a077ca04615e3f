namespace Server.Contracts;

/// <summary>A parsed tool call (api.md §7.6); <see cref="Function"/> holds name and JSON arguments.</summary>
public sealed record ChatToolCall(string Id, string Type, ChatToolFunction Function);
