using Engine.Output;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.Sampling;

public sealed class StopStringsTests
{
    [Fact]
    public void EarliestMatchWins_SpecExample()
    {
        // §9.3: stop = ["b", "a"], the next token adds "xab": "x", stop_reason "a" (aph would give "xa" / "b").
        var s = new StopStrings(["b", "a"], includeStopStrInOutput: false);
        var r = s.Append("xab");
        Assert.Equal(new StopStringsResult("x", true, "a"), r);
        Assert.Equal("x", s.Text);
    }

    [Fact]
    public void SameStart_LongerStringWins()
    {
        var s = new StopStrings(["ab", "abc"], false);
        Assert.Equal("abc", s.Append("zabcd").StopReason);
    }

    [Fact]
    public void StopStringSplitOverThreeTokens_IsFound_AndNeverStreamed()
    {
        var s = new StopStrings(["</end>"], false);
        Assert.Equal(new StopStringsResult("Hello", false, null), s.Append("Hello</"));
        Assert.Equal(new StopStringsResult("", false, null), s.Append("en"));
        Assert.Equal(new StopStringsResult("", true, "</end>"), s.Append("d> trailing"));
        Assert.Equal("Hello", s.Text);
    }

    [Fact]
    public void StopStringSplitOverThreeTokens_IncludedInOutput_TrailingTextDiscarded()
    {
        var s = new StopStrings(["</end>"], includeStopStrInOutput: true);
        Assert.Equal("Hello</", s.Append("Hello</").Emit); // no holdback when the stop string is kept
        Assert.Equal("en", s.Append("en").Emit);
        var r = s.Append("d> trailing");
        Assert.Equal(new StopStringsResult("d>", true, "</end>"), r);
        Assert.Equal("Hello</end>", s.Text);
    }

    [Fact]
    public void PartialMatchThatTurnsOutNotToBeAStop_IsReleased()
    {
        var s = new StopStrings(["STOP"], false);
        Assert.Equal("a ", s.Append("a ST").Emit);
        Assert.Equal("", s.Append("O").Emit);
        Assert.Equal(new StopStringsResult("STOre", false, null), s.Append("re"));
        Assert.Equal("a STOre", s.Text);
    }

    [Fact]
    public void PartialMatchOverlappingARealMatch_HoldsOnlyThePossiblePrefix()
    {
        var s = new StopStrings(["aab"], false);
        Assert.Equal("", s.Append("aa").Emit);
        // "aaa": the first 'a' can no longer start "aab", the last two still can.
        Assert.Equal("a", s.Append("a").Emit);
        var r = s.Append("b!");
        Assert.Equal(new StopStringsResult("", true, "aab"), r);
        Assert.Equal("a", s.Text);
    }

    [Fact]
    public void Flush_ReleasesHeldBackText_WhenFinishingForAnotherReason()
    {
        var s = new StopStrings(["###"], false);
        Assert.Equal("x", s.Append("x##").Emit);
        Assert.Equal("##", s.Flush());
        Assert.False(s.Stopped);
    }

    [Fact]
    public void NoStopStrings_EmitsEverythingImmediately()
    {
        var s = new StopStrings([], false);
        Assert.Equal("abc", s.Append("abc").Emit);
    }

    [Fact]
    public void WhileBelowMinTokens_NoMatchIsTaken_ButAMatchCompletedLaterIsFound()
    {
        var s = new StopStrings(["xy"], false);
        Assert.Equal(new StopStringsResult("a", false, null), s.Append("ax", checkStops: false));
        Assert.True(s.Append("y", checkStops: true).Stopped);
        Assert.Equal("a", s.Text);

        var t = new StopStrings(["xy"], false);
        Assert.False(t.Append("axy", checkStops: false).Stopped);
    }

    [Fact]
    public void AfterStop_FurtherTextIsIgnored()
    {
        var s = new StopStrings(["."], false);
        Assert.True(s.Append("end.").Stopped);
        Assert.Equal(new StopStringsResult("", true, "."), s.Append("more"));
        Assert.Equal("end", s.Text);
    }

    [Fact]
    public void Throws_WhenAStopStringIsEmpty() => Assert.Throws<ArgumentException>(() => new StopStrings([""], false));

    [Fact]
    public void Streaming_EqualsWholeText_AndNeverEmitsAStopString_ForAnyChunking()
    {
        // Text over a tiny alphabet so stop strings and near-misses are frequent; chunk sizes 0–4 characters.
        var text = Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Gen.Elements('a', 'b', 'c'), n)).Select(c => new string(c));
        var chunks = Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 4), n));
        Prop.ForAll(text.ToArbitrary(), chunks.ToArbitrary(), (string s, int[] sizes) =>
        {
            string[] stops = ["abc", "bb"];
            var matcher = new StopStrings(stops, false);
            var streamed = new System.Text.StringBuilder();
            var pos = 0;
            var i = 0;
            while (pos < s.Length && !matcher.Stopped)
            {
                var size = sizes.Length == 0 ? 1 : Math.Max(1, sizes[i++ % sizes.Length]);
                var piece = s.Substring(pos, Math.Min(size, s.Length - pos));
                pos += piece.Length;
                streamed.Append(matcher.Append(piece).Emit);
            }
            if (!matcher.Stopped)
            {
                streamed.Append(matcher.Flush());
            }
            var cut = stops.Select(x => (Index: s.IndexOf(x, StringComparison.Ordinal), x)).Where(t => t.Index >= 0)
                .Select(t => t.Index).DefaultIfEmpty(s.Length).Min();
            var expected = s[..cut];
            return streamed.ToString() == expected && matcher.Text == expected && stops.All(x => !expected.Contains(x, StringComparison.Ordinal));
        }).QuickCheckThrowOnFailure();
    }
}
