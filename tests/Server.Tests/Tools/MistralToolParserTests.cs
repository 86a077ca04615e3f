using Server.Tools;

namespace Server.Tests.Tools;

/// <summary>The Mistral tool-call format on hand-written replies (<c>--tool-call-parser mistral</c>).</summary>
public sealed class MistralToolParserTests
{
    private static ParsedToolCalls Parse(string text) => MistralToolParser.Instance.Parse(text);

    [Fact]
    public void ReadsAnArrayOfCalls()
    {
        var parsed = Parse("[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}, {\"name\": \"get_time\", \"arguments\": {}}]");

        Assert.Equal(["get_weather", "get_time"], parsed.Calls.Select(c => c.Function.Name));
        Assert.Equal(["""{"city":"Oslo"}""", "{}"], parsed.Calls.Select(c => c.Function.Arguments));
        Assert.All(parsed.Calls, c => Assert.Matches("^chatcmpl-tool-[0-9a-f]{32}$", c.Id));
        Assert.Null(parsed.Content);
    }

    [Fact]
    public void ReadsASingleCall_AndKeepsTheTextBefore()
    {
        var parsed = Parse("Checking now.\n[TOOL_CALLS][{\"name\": \"f\", \"arguments\": {\"q\": \"a ] b\"}}]");

        Assert.Equal("""{"q":"a ] b"}""", Assert.Single(parsed.Calls).Function.Arguments);
        Assert.Equal("Checking now.", parsed.Content);
    }

    [Fact]
    public void TextAfterTheCalls_IsContentToo()
    {
        var parsed = Parse("[TOOL_CALLS][{\"name\": \"f\", \"arguments\": {}}] Anything else?");

        Assert.Equal("f", Assert.Single(parsed.Calls).Function.Name);
        Assert.Equal("Anything else?", parsed.Content);
    }

    [Fact]
    public void ReadsTheV11Form_NameThenArguments_OneMarkerPerCall()
    {
        var parsed = Parse("[TOOL_CALLS]get_weather{\"city\": \"Oslo\"}[TOOL_CALLS]get_time{}");

        Assert.Equal(["get_weather", "get_time"], parsed.Calls.Select(c => c.Function.Name));
        Assert.Equal(["""{"city":"Oslo"}""", "{}"], parsed.Calls.Select(c => c.Function.Arguments));
    }

    [Fact]
    public void ArgumentsAsAString_AreTakenAsTheArgumentsText()
    {
        var parsed = Parse("[TOOL_CALLS][{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": 1}\"}]");

        Assert.Equal("{\"a\": 1}", Assert.Single(parsed.Calls).Function.Arguments);
    }

    [Theory]
    [InlineData("[TOOL_CALLS][{\"name\": \"f\", \"arguments\": {\"a\": }}]")]                // broken JSON
    [InlineData("[TOOL_CALLS][{\"name\": \"f\", \"arguments\": {}}")]                        // unclosed array
    [InlineData("[TOOL_CALLS][{\"name\": \"f\"}, {\"arguments\": {}}]")]                     // one element without a name
    [InlineData("[TOOL_CALLS] sorry, no")]                                                  // no JSON after the marker
    [InlineData("a [{\"name\": \"f\", \"arguments\": {}}] without the marker")]
    public void Malformed_LeavesTheWholeTextAsContent(string text)
    {
        var parsed = Parse(text);

        Assert.Empty(parsed.Calls);
        Assert.Equal(text, parsed.Content);
    }
}
