using Server.Tools;

namespace Server.Tests.Tools;

/// <summary>The Llama 3.1/3.2 JSON tool-call format on hand-written replies (<c>--tool-call-parser llama3_json</c>).</summary>
public sealed class Llama3JsonToolParserTests
{
    private static ParsedToolCalls Parse(string text) => Llama3JsonToolParser.Instance.Parse(text);

    [Fact]
    public void ReadsOneCall_WithParameters_AfterThePythonTag()
    {
        var parsed = Parse("<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\", \"days\": 2}}");

        var call = Assert.Single(parsed.Calls);
        Assert.Equal("get_weather", call.Function.Name);
        Assert.Equal("""{"city":"Oslo","days":2}""", call.Function.Arguments);
        Assert.Equal("function", call.Type);
        Assert.Matches("^chatcmpl-tool-[0-9a-f]{32}$", call.Id);
        Assert.Null(parsed.Content);
    }

    [Fact]
    public void ReadsSeveralCalls_SeparatedBySemicolons_WithoutTheTag()
    {
        var parsed = Parse("{\"name\": \"a\", \"parameters\": {\"x\": \"}{;\"}} ; {\"name\": \"b\", \"arguments\": {}};");

        Assert.Equal(["a", "b"], parsed.Calls.Select(c => c.Function.Name));
        Assert.Equal(["""{"x":"}{;"}""", "{}"], parsed.Calls.Select(c => c.Function.Arguments));
        Assert.Null(parsed.Content);
    }

    [Fact]
    public void KeepsTextBeforeAndAfter_AsContent()
    {
        var parsed = Parse("Let me look. <|python_tag|>{\"name\": \"f\", \"parameters\": {}} Done.");

        Assert.Equal("f", Assert.Single(parsed.Calls).Function.Name);
        Assert.Equal("Let me look.  Done.", parsed.Content);
    }

    [Fact]
    public void ArgumentsAsAString_AreTakenAsTheArgumentsText()
    {
        var parsed = Parse("{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": 1}\"}");

        Assert.Equal("{\"a\": 1}", Assert.Single(parsed.Calls).Function.Arguments);
    }

    [Theory]
    [InlineData("{\"name\": \"f\", \"parameters\": {\"a\": }")]                              // broken JSON
    [InlineData("{\"name\": \"f\", \"parameters\": {\"a\": 1}")]                             // unclosed
    [InlineData("I think {\"x\": 1} is a set")]                                             // no name
    [InlineData("{\"name\": \"f\", \"parameters\": {}}; {\"parameters\": {}}")]              // one bad of two
    [InlineData("<|python_tag|>print(1)")]                                                  // code, not JSON
    [InlineData("plain text, no calls")]
    public void Malformed_LeavesTheWholeTextAsContent(string text)
    {
        var parsed = Parse(text);

        Assert.Empty(parsed.Calls);
        Assert.Equal(text, parsed.Content);
    }
}
