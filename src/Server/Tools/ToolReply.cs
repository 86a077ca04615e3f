using System.Text.Json;
using Server.Contracts;

namespace Server.Tools;

/// <summary>
/// The message a choice's text becomes under a <see cref="ToolRequest"/> (api.md §7.6): content, tool calls and
/// finish reason.
/// </summary>
public sealed record ToolReply(string? Content, IReadOnlyList<ChatToolCall> Calls, string FinishReason)
{
    /// <summary>
    /// None: the text as content. Auto: the configured parser's calls become calls, and finish_reason <c>tool_calls</c> when any
    /// was found. Named: the whole text is the arguments of one call, content null, the engine's finish reason
    /// kept (<c>stop</c>, as vLLM and OpenAI do for a forced function). Required: the array's elements become
    /// calls (arguments = compact <c>parameters</c>), finish_reason <c>tool_calls</c>; text that is not a complete
    /// array (cut by max_tokens) stays content with the engine's finish reason.
    /// </summary>
    public static ToolReply Of(ToolRequest tools, string text, string finishReason) => tools.Choice switch
    {
        ToolChoiceKind.Auto => Auto(tools.Parser!, text, finishReason),
        ToolChoiceKind.Named => new ToolReply(null,
            [new ChatToolCall(ToolCallIds.New(), "function", new ChatToolFunction(tools.FunctionName!, text))], finishReason),
        ToolChoiceKind.Required => Required(text, finishReason),
        _ => new ToolReply(text, [], finishReason),
    };

    private static ToolReply Auto(IToolCallParser parser, string text, string finishReason)
    {
        var parsed = parser.Parse(text);
        return parsed.Calls.Count == 0 ? new ToolReply(text, [], finishReason) : new ToolReply(parsed.Content, parsed.Calls, "tool_calls");
    }

    private static ToolReply Required(string text, string finishReason)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var calls = new List<ChatToolCall>();
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                var arguments = CompactJson.Of(item.GetProperty("parameters"));
                calls.Add(new ChatToolCall(ToolCallIds.New(), "function", new ChatToolFunction(item.GetProperty("name").GetString()!, arguments)));
            }
            return calls.Count == 0 ? new ToolReply(text, [], finishReason) : new ToolReply(null, calls, "tool_calls");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return new ToolReply(text, [], finishReason);
        }
    }
}
