using Engine.Sampling;
using Server.Tools;

namespace Server.Tests.Tools;

/// <summary>Choosing a tool-call parser by name, and what the choice changes in the request.</summary>
public sealed class ToolCallParsersTests
{
    [Theory]
    [InlineData("hermes")]
    [InlineData("llama3_json")]
    [InlineData("mistral")]
    public void Of_ReturnsTheParserOfThatName(string name) => Assert.Equal(name, ToolCallParsers.Of(name)!.Name);

    [Fact]
    public void Of_Throws_ListingTheNames_WhenUnknown()
    {
        var e = Assert.Throws<ArgumentException>(() => ToolCallParsers.Of("xml"));

        Assert.Contains("'xml'", e.Message);
        Assert.Contains("hermes, llama3_json, mistral", e.Message);
    }

    [Theory]
    [InlineData("mistral", false)]   // [TOOL_CALLS] is a special token: it must stay in the text
    [InlineData("hermes", true)]
    [InlineData("llama3_json", true)]
    public void AutoConstrain_KeepsSpecialTokens_OnlyWhereTheFormatNeedsThem(string name, bool skip)
    {
        var auto = new ToolRequest([new ToolDefinition("f", ToolRequest.EmptyParameters)], ToolChoiceKind.Auto, null, Parser: ToolCallParsers.Of(name));

        var sampling = auto.Constrain(new SamplingParams(), SamplingLimits.Default);

        Assert.Equal(skip, sampling.SkipSpecialTokens);
        Assert.Null(sampling.GuidedJson);
    }
}
