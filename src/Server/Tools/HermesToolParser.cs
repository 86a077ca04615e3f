using System.Text;
using System.Text.Json;
using Server.Contracts;

namespace Server.Tools;

/// <summary>
/// The Hermes / Qwen tool-call format (<c>--tool-call-parser hermes</c>): each call is a block
/// <c>&lt;tool_call&gt;{"name": ..., "arguments": {...}}&lt;/tool_call&gt;</c> inside the generated text.
/// </summary>
public static class HermesToolParser
{
    public const string Name = "hermes";

    private const string Open = "<tool_call>";
    private const string Close = "</tool_call>";

    /// <summary>
    /// Splits <paramref name="text"/> into calls and content. A block counts when its body is a JSON object with a
    /// string <c>name</c>; <c>arguments</c> (an object, or a string holding JSON) becomes compact JSON text, absent
    /// means <c>{}</c>. A final block missing its closing tag still counts (generation often stops at EOS right
    /// after the JSON). Malformed blocks stay in the content verbatim. Content is the text outside the counted
    /// blocks, trimmed; null when empty.
    /// </summary>
    public static ParsedToolCalls Parse(string text)
    {
        var calls = new List<ChatToolCall>();
        var content = new StringBuilder();
        var at = 0;
        while (at < text.Length)
        {
            var start = text.IndexOf(Open, at, StringComparison.Ordinal);
            if (start < 0) break;
            var bodyStart = start + Open.Length;
            var end = text.IndexOf(Close, bodyStart, StringComparison.Ordinal);
            var bodyEnd = end < 0 ? text.Length : end;
            var blockEnd = end < 0 ? text.Length : end + Close.Length;
            content.Append(text, at, start - at);
            if (TryCall(text.AsSpan(bodyStart, bodyEnd - bodyStart)) is { } call)
                calls.Add(call);
            else
                content.Append(text, start, blockEnd - start);
            at = blockEnd;
        }
        if (at < text.Length) content.Append(text, at, text.Length - at);
        var rest = content.ToString().Trim();
        return new ParsedToolCalls(rest.Length == 0 ? null : rest, calls);
    }

    private static ChatToolCall? TryCall(ReadOnlySpan<char> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.Trim().ToString());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                return null;
            string arguments;
            if (!root.TryGetProperty("arguments", out var args) || args.ValueKind == JsonValueKind.Null)
                arguments = "{}";
            else if (args.ValueKind == JsonValueKind.String)
                arguments = args.GetString()!;
            else
                arguments = CompactJson.Of(args);
            return new ChatToolCall(ToolCallIds.New(), "function", new ChatToolFunction(name.GetString()!, arguments));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
