using Server.Tools;

namespace Server.Tests.Tools;

/// <summary>Incremental content for <c>tool_choice: "auto"</c> streams: nothing of a tool call leaks as content.</summary>
public sealed class ToolCallStreamSplitterTests
{
    [Fact]
    public void HoldsBackAPartialTag_AndEverythingFromTheFirstCall()
    {
        var splitter = new ToolCallStreamSplitter(HermesToolParser.Instance.StartMarkers);

        Assert.Equal("Hi ", splitter.Feed("Hi <to"));
        Assert.Equal("", splitter.Feed("ol_ca"));
        Assert.Equal("", splitter.Feed("ll>{\"name\": \"f\"}</tool_call> after"));
        Assert.Equal("", splitter.Feed(" more"));
        Assert.Equal("<tool_call>{\"name\": \"f\"}</tool_call> after more", splitter.Rest);
    }

    [Fact]
    public void ReleasesAHeldTail_ThatTurnsOutNotToBeATag()
    {
        var splitter = new ToolCallStreamSplitter(HermesToolParser.Instance.StartMarkers);

        Assert.Equal("a ", splitter.Feed("a <"));
        Assert.Equal("<b", splitter.Feed("b"));
        Assert.Equal("", splitter.Rest);
    }

    [Fact]
    public void WithTwoMarkers_StopsAtWhicheverComesFirst()
    {
        var splitter = new ToolCallStreamSplitter(Llama3JsonToolParser.Instance.StartMarkers);

        Assert.Equal("x ", splitter.Feed("x <|pyth"));
        Assert.Equal("", splitter.Feed("on_tag|>{\"name\": \"f\"}"));
        Assert.Equal("<|python_tag|>{\"name\": \"f\"}", splitter.Rest);
    }

    // property: however the text is cut into three deltas, the sent content is the text before the first marker
    // and sent content + rest = text (for each parser's marker, with a near-miss of the marker before it)
    [Theory]
    [InlineData("hermes", "x <tool <tool_call>{\"name\": \"f\"}</tool_call>", "x <tool ")]
    [InlineData("llama3_json", "ok <|python <|python_tag|>{\"name\": \"f\", \"parameters\": {}}", "ok <|python ")]
    [InlineData("llama3_json", "Sure: {\"name\": \"f\"}; {\"name\": \"g\"}", "Sure: ")]
    [InlineData("mistral", "a [TOOL [TOOL_CALLS][{\"name\": \"f\", \"arguments\": {}}]", "a [TOOL ")]
    public void AnySplitOfTheText_SendsTheSameContent(string parser, string text, string expected)
    {
        var markers = ToolCallParsers.Of(parser)!.StartMarkers;
        for (var cut1 = 0; cut1 <= text.Length; cut1++)
        for (var cut2 = cut1; cut2 <= text.Length; cut2++)
        {
            var splitter = new ToolCallStreamSplitter(markers);
            var sent = splitter.Feed(text[..cut1]) + splitter.Feed(text[cut1..cut2]) + splitter.Feed(text[cut2..]);
            Assert.Equal(expected, sent);
            Assert.Equal(text, sent + splitter.Rest);
        }
    }
}
