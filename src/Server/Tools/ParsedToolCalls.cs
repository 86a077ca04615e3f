using Server.Contracts;

namespace Server.Tools;

/// <summary>A reply split into its tool calls and the text outside them (null when that text is empty).</summary>
public sealed record ParsedToolCalls(string? Content, IReadOnlyList<ChatToolCall> Calls)
{
    /// <summary>The calls with <paramref name="content"/> trimmed, null when nothing is left.</summary>
    public static ParsedToolCalls Of(string content, IReadOnlyList<ChatToolCall> calls)
    {
        var trimmed = content.Trim();
        return new ParsedToolCalls(trimmed.Length == 0 ? null : trimmed, calls);
    }
}
