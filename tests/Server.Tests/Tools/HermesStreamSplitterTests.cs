using Server.Tools;

namespace Server.Tests.Tools;

/// <summary>Incremental content for <c>tool_choice: "auto"</c> streams: nothing of a tool call leaks as content.</summary>
public sealed class HermesStreamSplitterTests
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
    public void AnySplitOfTheText_SendsTheSameContent()
    {
        // property: however the text is cut into deltas, sent content + rest = text and the rest starts at the tag
        const string text = "x <tool <tool_call>{\"name\": \"f\"}</tool_call>";
        for (var cut1 = 0; cut1 <= text.Length; cut1++)
        for (var cut2 = cut1; cut2 <= text.Length; cut2++)
        {
            var splitter = new ToolCallStreamSplitter(HermesToolParser.Instance.StartMarkers);
            var sent = splitter.Feed(text[..cut1]) + splitter.Feed(text[cut1..cut2]) + splitter.Feed(text[cut2..]);
            Assert.Equal("x <tool ", sent);
            Assert.Equal(text, sent + splitter.Rest);
        }
    }
}
