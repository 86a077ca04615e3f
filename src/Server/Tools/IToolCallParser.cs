namespace Server.Tools;

/// <summary>
/// One model family's tool-call format for <c>tool_choice: "auto"</c> (<c>engine serve --tool-call-parser NAME</c>):
/// how a finished text splits into calls and content, and which markers start the calls while streaming.
/// </summary>
public interface IToolCallParser
{
    /// <summary>The <c>--tool-call-parser</c> value.</summary>
    string Name { get; }

    /// <summary>
    /// Texts that can open the tool calls; a stream sends content up to the first of them and parses the rest when
    /// the choice finishes (<see cref="ToolCallStreamSplitter"/>). <see cref="Parse"/> of that rest must treat
    /// anything it cannot read as content, so a marker that opens no call costs only streaming latency.
    /// </summary>
    IReadOnlyList<string> StartMarkers { get; }

    /// <summary>
    /// Whether the format opens with a special token that must stay in the output text, so <c>"auto"</c> turns
    /// <c>skip_special_tokens</c> off (vLLM does so for mistral's <c>[TOOL_CALLS]</c>).
    /// </summary>
    bool KeepsSpecialTokens { get; }

    /// <summary>Splits a finished text into calls and the content outside them (trimmed, null when empty).</summary>
    ParsedToolCalls Parse(string text);
}
