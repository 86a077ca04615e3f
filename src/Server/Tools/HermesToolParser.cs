using System.Text;
using Server.Contracts;

namespace Server.Tools;

/// <summary>
/// The Hermes / Qwen tool-call format (<c>--tool-call-parser hermes</c>): each call is a block
/// <c>&lt;tool_call&gt;{"name": ..., "arguments": {...}}&lt;/tool_call&gt;</c> inside the generated text.
/// </summary>
public sealed class HermesToolParser : IToolCallParser
{
    private const string Open = "<tool_call>";
    private const string Close = "</tool_call>";

    /// <summary>The one instance (the parser holds no state).</summary>
    public static HermesToolParser Instance { get; } = new();

    private HermesToolParser()
    {
    }

    public string Name => "hermes";

    public bool KeepsSpecialTokens => false;

    public IReadOnlyList<string> StartMarkers { get; } = [Open];

    /// <summary>
    /// Splits <paramref name="text"/> into calls and content. A block counts when its body is a JSON object with a
    /// string <c>name</c> (<see cref="ToolCallJson"/>). A final block missing its closing tag still counts
    /// (generation often stops at EOS right after the JSON). Malformed blocks stay in the content verbatim. Content is the text outside the counted
    /// blocks, trimmed; null when empty.
    /// </summary>
    public ParsedToolCalls Parse(string text)
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
            if (ToolCallJson.TryCall(text.AsSpan(bodyStart, bodyEnd - bodyStart)) is { } call)
                calls.Add(call);
            else
                content.Append(text, start, blockEnd - start);
            at = blockEnd;
        }
        if (at < text.Length) content.Append(text, at, text.Length - at);
        return ParsedToolCalls.Of(content.ToString(), calls);
    }
}
