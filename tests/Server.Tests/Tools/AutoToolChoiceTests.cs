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

        var content = "";
        var names = new List<string>();
        var arguments = new List<string>();
        string? finish = null;
        foreach (var data in events[..^1])
        {
            using var doc = JsonDocument.Parse(data);
            var choice = doc.RootElement.GetProperty("choices")[0];
            var delta = choice.GetProperty("delta");
            if (delta.TryGetProperty("content", out var c)) content += c.GetString();
            if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String) finish = choice.GetProperty("finish_reason").GetString();
            if (!delta.TryGetProperty("tool_calls", out var pieces)) continue;
            foreach (var piece in pieces.EnumerateArray())
            {
                var function = piece.GetProperty("function");
                if (function.TryGetProperty("name", out var name)) { names.Add(name.GetString()!); arguments.Add(""); }
                if (function.TryGetProperty("arguments", out var a)) arguments[piece.GetProperty("index").GetInt32()] += a.GetString();
            }
        }

        Assert.Equal("Checking.\n", content);
        Assert.Equal(["get_weather", "get_time"], names);
        Assert.Equal(["""{"city":"Oslo"}""", "{}"], arguments);
        Assert.Equal("tool_calls", finish);
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
