using System.Net;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Tools;

/// <summary>
/// <c>tool_choice: "auto"</c> under each <c>--tool-call-parser</c>: the endpoint uses the configured parser,
/// streaming or not, over a model scripted to write that family's calls.
/// </summary>
public sealed class AutoToolChoiceTests
{
    private const string Request =
        """{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "tool_choice": "auto", "tools": [{"type": "function", "function": {"name": "get_weather"}}, {"type": "function", "function": {"name": "get_time"}}]""";

    public static TheoryData<string, string> Replies => new()
    {
        { "hermes", "Checking. <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>\n<tool_call>{\"name\": \"get_time\", \"arguments\": {}}</tool_call>" },
        { "llama3_json", "Checking. <|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}; {\"name\": \"get_time\", \"parameters\": {}}" },
        { "mistral", "Checking. [TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}, {\"name\": \"get_time\", \"arguments\": {}}]" },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task NonStreaming_ReturnsTheCalls_TheTextBeforeThem_AndFinishReasonToolCalls(string parser, string reply)
    {
        await using var server = await TestServer.StartAsync(new ScriptedModelHost(reply), options: new ServerOptions { ToolCallParser = parser });

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions", Request + "}");

        Assert.Equal(HttpStatusCode.OK, status);
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Checking.", choice.GetProperty("message").GetProperty("content").GetString());
        var calls = choice.GetProperty("message").GetProperty("tool_calls");
        Assert.Equal(["get_weather", "get_time"], calls.EnumerateArray().Select(c => c.GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal(["""{"city":"Oslo"}""", "{}"], calls.EnumerateArray().Select(c => c.GetProperty("function").GetProperty("arguments").GetString()));
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task Streaming_SendsTheLeadingTextAsContent_NeverAPartialMarker_ThenTheCalls(string parser, string reply)
    {
        await using var server = await TestServer.StartAsync(new ScriptedModelHost(reply), options: new ServerOptions { ToolCallParser = parser });

        var response = await server.Client.SendAsync(Api.Post("/v1/chat/completions", Request + ", \"stream\": true}"));
        var streamed = StreamedReply.Of(Api.SseData(await response.Content.ReadAsStringAsync()));

        Assert.Equal("Checking. ", streamed.Content);
        Assert.Equal(["get_weather", "get_time"], streamed.Names);
        Assert.Equal(["""{"city":"Oslo"}""", "{}"], streamed.Arguments);
        Assert.Equal("tool_calls", streamed.FinishReason);
    }

    [Fact]
    public async Task Llama3Json_BraceInProse_IsStreamedAsContent_WithTheEngineFinishReason()
    {
        const string prose = "Use {braces} like this; nothing to call.";
        await using var server = await TestServer.StartAsync(new ScriptedModelHost(prose), options: new ServerOptions { ToolCallParser = "llama3_json" });

        var response = await server.Client.SendAsync(Api.Post("/v1/chat/completions", Request + ", \"stream\": true}"));
        var streamed = StreamedReply.Of(Api.SseData(await response.Content.ReadAsStringAsync()));

        Assert.Equal(prose, streamed.Content);
        Assert.Empty(streamed.Names);
        Assert.Equal("stop", streamed.FinishReason);
    }

    [Fact]
    public async Task MalformedBlock_IsReturnedAsContent_WithTheEngineFinishReason()
    {
        const string broken = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {</tool_call>";
        await using var server = await TestServer.StartAsync(new ScriptedModelHost(broken), options: new ServerOptions { ToolCallParser = "hermes" });

        var (_, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions", Request + "}");

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(broken, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(0, choice.GetProperty("message").GetProperty("tool_calls").GetArrayLength());
    }
}
