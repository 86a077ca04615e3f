using Server.Contracts;

namespace Server.Tools;

/// <summary>A reply split into its tool calls and the text outside them (null when that text is empty).</summary>
public sealed record ParsedToolCalls(string? Content, IReadOnlyList<ChatToolCall> Calls);
