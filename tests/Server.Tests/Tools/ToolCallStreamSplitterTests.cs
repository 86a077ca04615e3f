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

    // the same property over random texts built from marker fragments, cut at random places into random many deltas
    // (fixed seed; Server.Tests has no FsCheck): the expectation is computed independently as the text before the
    // earliest whole marker, or, without one, the text less at most a held partial marker
    [Theory]
    [InlineData("hermes")]
    [InlineData("llama3_json")]
    [InlineData("mistral")]
    public void RandomTextsAndCuts_SendTheTextBeforeTheFirstMarker(string parser)
    {
        var markers = ToolCallParsers.Of(parser)!.StartMarkers;
        var pieces = new List<string> { "a", " ", "\n", "<", "[", "|", "_" };
        foreach (var marker in markers)
            for (var k = 1; k <= marker.Length; k++) pieces.Add(marker[..k]);
        var random = new Random(20261122);
        for (var trial = 0; trial < 2000; trial++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Count)]));
            var first = markers.Select(m => text.IndexOf(m, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(text.Length).Min();
            var cuts = Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(text.Length + 1)).Append(0).Append(text.Length).Order().ToArray();

            var splitter = new ToolCallStreamSplitter(markers);
            var sent = string.Concat(cuts.Zip(cuts.Skip(1), (from, to) => splitter.Feed(text[from..to])));

            Assert.Equal(text, sent + splitter.Rest);
            if (first < text.Length)
                Assert.Equal(text[..first], sent);
            else // no marker: only a tail that is the start of a marker may still be held (the writer flushes it at the end)
                Assert.True(splitter.Rest.Length == 0 || markers.Any(m => m.Length > splitter.Rest.Length && m.StartsWith(splitter.Rest, StringComparison.Ordinal)), text);
        }
    }
}
