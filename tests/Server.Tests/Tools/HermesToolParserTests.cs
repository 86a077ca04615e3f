using System.Text.Json;
using Server.Tools;

namespace Server.Tests.Tools;

/// <summary>The Hermes/Qwen tool-call format on hand-written replies (api.md §7.6, <c>--tool-call-parser hermes</c>).</summary>
public sealed class HermesToolParserTests
{
    [Fact]
    public void SplitsTwoCalls_AndKeepsTheTextAround()
    {
        var text = "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\", \"days\": 2}}\n</tool_call>\n" +
                   "<tool_call>{\"name\": \"get_time\", \"arguments\": {}}</tool_call>\nDone.";

        var parsed = HermesToolParser.Instance.Parse(text);

        Assert.Equal(2, parsed.Calls.Count);
        Assert.Equal("get_weather", parsed.Calls[0].Function.Name);
        Assert.Equal("""{"city":"Oslo","days":2}""", parsed.Calls[0].Function.Arguments);
        Assert.Equal("get_time", parsed.Calls[1].Function.Name);
        Assert.Equal("{}", parsed.Calls[1].Function.Arguments);
        Assert.Equal("Let me check.\n\n\nDone.", parsed.Content);
        Assert.All(parsed.Calls, c => Assert.Equal("function", c.Type));
        Assert.All(parsed.Calls, c => Assert.Matches("^chatcmpl-tool-[0-9a-f]{32}$", c.Id));
        Assert.NotEqual(parsed.Calls[0].Id, parsed.Calls[1].Id);
    }

    [Fact]
    public void ContentIsNull_WhenOnlyCalls()
    {
        var parsed = HermesToolParser.Instance.Parse("  <tool_call>{\"name\": \"f\", \"arguments\": {\"x\": [1, 2]}}</tool_call>\n");

        Assert.Null(parsed.Content);
        Assert.Equal("""{"x":[1,2]}""", Assert.Single(parsed.Calls).Function.Arguments);
    }

    [Theory]
    [InlineData("<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": </tool_call>")]   // broken JSON
    [InlineData("<tool_call>{\"arguments\": {}}</tool_call>")]                           // no name
    [InlineData("<tool_call>[1, 2]</tool_call>")]                                        // not an object
    [InlineData("<tool_call>{\"name\": 3}</tool_call>")]                                 // name not a string
    public void MalformedBlock_StaysContent(string block)
    {
        var text = $"before {block} <tool_call>{{\"name\": \"ok\"}}</tool_call> after";

        var parsed = HermesToolParser.Instance.Parse(text);

        Assert.Equal("ok", Assert.Single(parsed.Calls).Function.Name);
        Assert.Equal($"before {block}  after", parsed.Content);
    }

    [Fact]
    public void UnclosedFinalBlock_CountsWhenItsJsonIsComplete()
    {
        var parsed = HermesToolParser.Instance.Parse("<tool_call>{\"name\": \"f\", \"arguments\": {\"q\": \"é \\\"x\\\"\"}}");

        var call = Assert.Single(parsed.Calls);
        Assert.Null(parsed.Content);
        using var args = JsonDocument.Parse(call.Function.Arguments);
        Assert.Equal("é \"x\"", args.RootElement.GetProperty("q").GetString());
    }

    [Fact]
    public void StringArguments_AreTakenAsTheirText()
    {
        var parsed = HermesToolParser.Instance.Parse("<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": 1}\"}</tool_call>");

        Assert.Equal("{\"a\": 1}", Assert.Single(parsed.Calls).Function.Arguments);
    }

    [Fact]
    public void TextWithoutBlocks_IsAllContent()
    {
        var parsed = HermesToolParser.Instance.Parse("no calls here </tool_call>");

        Assert.Empty(parsed.Calls);
        Assert.Equal("no calls here </tool_call>", parsed.Content);
    }
}
