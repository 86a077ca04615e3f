using System.Net;
using System.Text.Json;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Tools;

/// <summary><c>tool_choice: "auto"</c> with <c>--tool-call-parser hermes</c>, over a model scripted to write tool calls.</summary>
public sealed class AutoToolChoiceTests
{
    private const string Reply =
        "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>\n<tool_call>{\"name\": \"get_time\", \"arguments\": {}}</tool_call>";

    private const string Request =
        """{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "tool_choice": "auto", "tools": [{"type": "function", "function": {"name": "get_weather"}}, {"type": "function", "function": {"name": "get_time"}}]""";

    [Fact]
    public async Task NonStreaming_ReturnsTheCalls_TheTextBeforeThem_AndFinishReasonToolCalls()
    {
        await using var server = await TestServer.StartAsync(new ScriptedModelHost(Reply), options: new ServerOptions { ToolCallParser = "hermes" });

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions", Request + "}");

        Assert.Equal(HttpStatusCode.OK, status);
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Checking.", choice.GetProperty("message").GetProperty("content").GetString());
        var calls = choice.GetProperty("message").GetProperty("tool_calls");
        Assert.Equal(["get_weather", "get_time"], calls.EnumerateArray().Select(c => c.GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal(["""{"city":"Oslo"}""", "{}"], calls.EnumerateArray().Select(c => c.GetProperty("function").GetProperty("arguments").GetString()));
    }

    [Fact]
    public async Task Streaming_SendsTheLeadingTextAsContent_NeverThePartialTag_ThenTheCalls()
    {
        await using var server = await TestServer.StartAsync(new ScriptedModelHost(Reply), options: new ServerOptions { ToolCallParser = "hermes" });

        var response = await server.Client.SendAsync(Api.Post("/v1/chat/completions", Request + ", \"stream\": true}"));
        var events = Api.SseData(await response.Content.ReadAsStringAsync());

        var reply = StreamedReply.Of(events);

        Assert.Equal("Checking.\n", reply.Content);
        Assert.Equal(["get_weather", "get_time"], reply.Names);
        Assert.Equal(["""{"city":"Oslo"}""", "{}"], reply.Arguments);
        Assert.Equal("tool_calls", reply.FinishReason);
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
