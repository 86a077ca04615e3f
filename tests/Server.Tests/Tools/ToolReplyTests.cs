using Server.Tools;

namespace Server.Tests.Tools;

/// <summary>How a choice's text becomes the reply message under each tool choice (api.md §7.6).</summary>
public sealed class ToolReplyTests
{
    private static readonly ToolRequest Required = new([new ToolDefinition("f", ToolRequest.EmptyParameters)], ToolChoiceKind.Required, null);

    [Fact]
    public void Required_ElementsBecomeCalls_WithCompactParameters()
    {
        var reply = ToolReply.Of(Required, """[{"name": "f", "parameters": {"a": [1, 2]}}, {"name":"g","parameters":{}}]""", "stop");

        Assert.Null(reply.Content);
        Assert.Equal("tool_calls", reply.FinishReason);
        Assert.Equal(["f", "g"], reply.Calls.Select(c => c.Function.Name));
        Assert.Equal(["""{"a":[1,2]}""", "{}"], reply.Calls.Select(c => c.Function.Arguments));
    }

    [Fact]
    public void Required_TruncatedArray_StaysContent_WithTheEngineFinishReason()
    {
        var reply = ToolReply.Of(Required, """[{"name": "f", "param""", "length");

        Assert.Empty(reply.Calls);
        Assert.Equal("""[{"name": "f", "param""", reply.Content);
        Assert.Equal("length", reply.FinishReason);
    }

    [Fact]
    public void Named_TheWholeTextIsTheArguments_AndTheFinishReasonIsKept()
    {
        var named = Required with { Choice = ToolChoiceKind.Named, FunctionName = "f" };

        var reply = ToolReply.Of(named, """{"x":1}""", "stop");

        Assert.Null(reply.Content);
        Assert.Equal("stop", reply.FinishReason);
        Assert.Equal("""{"x":1}""", Assert.Single(reply.Calls).Function.Arguments);
    }

    [Fact]
    public void Auto_CallsGiveFinishReasonToolCalls_PlainTextKeepsItsOwn()
    {
        var auto = Required with { Choice = ToolChoiceKind.Auto, Parser = HermesToolParser.Instance };

        Assert.Equal("tool_calls", ToolReply.Of(auto, "<tool_call>{\"name\": \"f\"}</tool_call>", "stop").FinishReason);
        var plain = ToolReply.Of(auto, "just text", "length");
        Assert.Equal(("just text", "length"), (plain.Content, plain.FinishReason));
    }

    [Fact]
    public void RequiredSchema_HasOneAlternativePerTool()
    {
        var schema = ToolCallSchemas.Required([new ToolDefinition("a", """{"type":"object"}"""), new ToolDefinition("b", ToolRequest.EmptyParameters)]);

        using var doc = System.Text.Json.JsonDocument.Parse(schema);
        Assert.Equal(1, doc.RootElement.GetProperty("minItems").GetInt32());
        var alternatives = doc.RootElement.GetProperty("items").GetProperty("anyOf");
        Assert.Equal(["a", "b"], alternatives.EnumerateArray().Select(a => a.GetProperty("properties").GetProperty("name").GetProperty("enum")[0].GetString()));
        Assert.Equal("object", alternatives[0].GetProperty("properties").GetProperty("parameters").GetProperty("type").GetString());
    }
}
