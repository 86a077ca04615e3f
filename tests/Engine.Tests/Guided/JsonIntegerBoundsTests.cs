using System.Globalization;
using Engine.Sampling;
using static Engine.Tests.Guided.GuidedKit;

namespace Engine.Tests.Guided;

/// <summary>Integer bounds compile to exact grammars: every integer in a window is checked against the bound by arithmetic.</summary>
public sealed class JsonIntegerBoundsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(37)]
    [InlineData(100)]
    [InlineData(1999)]
    public void Minimum_AdmitsExactlyTheIntegersAtOrAboveIt(int minimum)
    {
        var g = Constraint(new SamplingParams { GuidedJson = $$"""{"type":"integer","minimum":{{minimum}}}""" }).Grammar;
        for (var x = -3; x <= 2500; x++)
        {
            Assert.True(Matches(g, x.ToString(CultureInfo.InvariantCulture)) == (x >= minimum), $"{x} vs minimum {minimum}");
        }
        Assert.False(Matches(g, "0" + minimum)); // no leading zeros
    }

    [Theory]
    [InlineData("\"minimum\":3,\"maximum\":7", 3, 7)]
    [InlineData("\"exclusiveMinimum\":2.5,\"exclusiveMaximum\":6", 3, 5)]
    [InlineData("\"minimum\":-4,\"exclusiveMaximum\":0", -4, -1)]
    [InlineData("\"exclusiveMinimum\":10", 11, int.MaxValue)]
    [InlineData("\"minimum\":0.5,\"maximum\":2.9", 1, 2)]
    public void Bounds_AdmitExactlyTheRange(string bounds, int lo, int hi)
    {
        var g = Constraint(new SamplingParams { GuidedJson = "{\"type\":\"integer\"," + bounds + "}" }).Grammar;
        for (var x = -10; x <= 3000; x++)
        {
            Assert.True(Matches(g, x.ToString(CultureInfo.InvariantCulture)) == (x >= lo && x <= hi), $"{x} with {bounds}");
        }
    }
}
