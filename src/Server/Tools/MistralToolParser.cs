using System.Text.Json;
using Server.Contracts;

namespace Server.Tools;

/// <summary>
/// The Mistral tool-call format (<c>--tool-call-parser mistral</c>): <c>[TOOL_CALLS]</c> followed by a JSON array
/// of <c>{"name": ..., "arguments": {...}}</c> objects (Mistral 7B v0.3), or by <c>name{arguments}</c> per call
/// (tokenizer v11 and later, one <c>[TOOL_CALLS]</c> before each). <c>[TOOL_CALLS]</c> is a special token: the
/// request must keep special tokens in the text for it to be seen.
/// </summary>
public sealed class MistralToolParser : IToolCallParser
{
    private const string Marker = "[TOOL_CALLS]";

    /// <summary>The one instance (the parser holds no state).</summary>
    public static MistralToolParser Instance { get; } = new();

    private MistralToolParser()
    {
    }

    public string Name => "mistral";

    public bool KeepsSpecialTokens => true;

    public IReadOnlyList<string> StartMarkers { get; } = [Marker];

    /// <summary>
    /// Text before the first <c>[TOOL_CALLS]</c> is content; after it come one or more groups, each a marker and
    /// then a JSON array of call objects, a single call object, or <c>name{...}</c>. Text after the last group is
    /// content too (trimmed; null when empty). When any group does not read (invalid JSON, an element without a
    /// string <c>name</c>), nothing counts as a call and the whole text is content.
    /// </summary>
    public ParsedToolCalls Parse(string text)
    {
        var start = text.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0) return ParsedToolCalls.Of(text, []);

        var calls = new List<ChatToolCall>();
        var at = start;
        var callsEnd = start;
        while (string.CompareOrdinal(text, at, Marker, 0, Marker.Length) == 0)
        {
            callsEnd = ReadGroup(text, JsonExtent.SkipSpace(text, at + Marker.Length), calls);
            if (callsEnd < 0) return ParsedToolCalls.Of(text, []);
            at = JsonExtent.SkipSpace(text, callsEnd);
        }
        return ParsedToolCalls.Of(text[..start] + text[callsEnd..], calls);
    }

    // one group after a marker; returns the index past it, or -1 when it does not read
    private static int ReadGroup(string text, int at, List<ChatToolCall> calls)
    {
        var nameEnd = at;
        while (nameEnd < text.Length && (char.IsAsciiLetterOrDigit(text[nameEnd]) || text[nameEnd] is '_' or '-')) nameEnd++;
        var open = JsonExtent.SkipSpace(text, nameEnd);
        if (open == text.Length || text[open] is not ('{' or '[')) return -1;
        if (nameEnd > at && text[open] != '{') return -1;
        var end = JsonExtent.End(text, open);
        if (end < 0) return -1;
        try
        {
            using var doc = JsonDocument.Parse(text.AsMemory(open, end - open));
            var root = doc.RootElement;
            if (nameEnd > at)
            {
                calls.Add(new ChatToolCall(ToolCallIds.New(), "function", new ChatToolFunction(text[at..nameEnd], CompactJson.Of(root))));
                return end;
            }
            if (root.ValueKind == JsonValueKind.Object) return Add(ToolCallJson.TryCall(root), calls) ? end : -1;
            foreach (var item in root.EnumerateArray())
                if (!Add(ToolCallJson.TryCall(item), calls)) return -1;
            return end;
        }
        catch (JsonException)
        {
            return -1;
        }
    }

    private static bool Add(ChatToolCall? call, List<ChatToolCall> calls)
    {
        if (call is null) return false;
        calls.Add(call);
        return true;
    }
}
