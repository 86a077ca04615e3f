using Server.Contracts;

namespace Server.Tools;

/// <summary>
/// The Llama 3.1 / 3.2 JSON tool-call format (<c>--tool-call-parser llama3_json</c>, vLLM's name): the calls are
/// JSON objects <c>{"name": ..., "parameters": {...}}</c> (or <c>"arguments"</c>) separated by <c>;</c>, optionally
/// opened by <c>&lt;|python_tag|&gt;</c>.
/// </summary>
public sealed class Llama3JsonToolParser : IToolCallParser
{
    private const string PythonTag = "<|python_tag|>";

    /// <summary>The one instance (the parser holds no state).</summary>
    public static Llama3JsonToolParser Instance { get; } = new();

    private Llama3JsonToolParser()
    {
    }

    public string Name => "llama3_json";

    // <|python_tag|> is optional: without it the calls still start at the first brace
    public bool KeepsSpecialTokens => false;

    // a brace anywhere may open a call: streams hold text from the first one (and a bare brace costs only latency)
    public IReadOnlyList<string> StartMarkers { get; } = [PythonTag, "{"];

    /// <summary>
    /// The calls start at the first <c>&lt;|python_tag|&gt;</c>, or without one at the first <c>{</c>; from there the
    /// text must be one or more call objects separated by <c>;</c> (each may repeat the tag). Text before the calls
    /// and after the last one is content (trimmed; null when empty). When any object is not valid JSON with a
    /// string <c>name</c>, nothing counts as a call and the whole text is content — vLLM's all-or-nothing rule.
    /// </summary>
    public ParsedToolCalls Parse(string text)
    {
        var tag = text.IndexOf(PythonTag, StringComparison.Ordinal);
        var start = tag >= 0 ? tag : text.IndexOf('{', StringComparison.Ordinal);
        if (start < 0) return ParsedToolCalls.Of(text, []);

        var calls = new List<ChatToolCall>();
        var at = start;
        var callsEnd = start;
        while (true)
        {
            at = JsonExtent.SkipSpace(text, at);
            if (string.CompareOrdinal(text, at, PythonTag, 0, PythonTag.Length) == 0) at = JsonExtent.SkipSpace(text, at + PythonTag.Length);
            var end = at < text.Length && text[at] == '{' ? JsonExtent.End(text, at) : -1;
            if (end < 0 || ToolCallJson.TryCall(text.AsSpan(at, end - at)) is not { } call)
                return ParsedToolCalls.Of(text, []);
            calls.Add(call);
            // the calls end after the last object, or after a trailing ';'
            callsEnd = end;
            at = JsonExtent.SkipSpace(text, end);
            if (at == text.Length || text[at] != ';') break;
            callsEnd = ++at;
            if (JsonExtent.SkipSpace(text, at) == text.Length) break;
        }
        return ParsedToolCalls.Of(text[..start] + text[callsEnd..], calls);
    }
}
