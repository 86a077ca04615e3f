using System.ClientModel;
using System.Net;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Server.Generation;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Tools;

/// <summary>
/// Named and required tool choice end to end (api.md §7.6): real Kestrel, the real engine on the built-in
/// random-weight model, whose unconstrained output is gibberish — so arguments that fit the schema prove the
/// tool-call constraint reached the sampler.
/// </summary>
public sealed class ToolChoiceEndpointTests
{
    private const string Model = BuiltinEngine.Model;

    private const string WeatherSchema =
        """{"type":"object","properties":{"city":{"enum":["Paris","Oslo"]},"days":{"type":"integer","minimum":1,"maximum":7},"metric":{"type":"boolean"}},"required":["city","days","metric"],"additionalProperties":false}""";

    private const string Tools =
        """[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":""" + WeatherSchema
        + """}},{"type":"function","function":{"name":"get_time"}}]""";

    private static EngineModelHost Host() => BuiltinEngine.Load();

    /// <summary>The independent check of <see cref="WeatherSchema"/>: exactly city, days, metric with their types and ranges.</summary>
    private static void AssertFitsWeather(string arguments)
    {
        using var doc = JsonDocument.Parse(arguments);
        var root = doc.RootElement;
        Assert.Equal(["city", "days", "metric"], root.EnumerateObject().Select(p => p.Name));
        Assert.Contains(root.GetProperty("city").GetString(), (string[])["Paris", "Oslo"]);
        Assert.InRange(root.GetProperty("days").GetInt32(), 1, 7);
        Assert.True(root.GetProperty("metric").ValueKind is JsonValueKind.True or JsonValueKind.False);
    }

    [Fact]
    public async Task NamedChoice_ThroughTheOpenAIClient_ReturnsOneCallWhoseArgumentsFitTheSchema()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);
        var client = new ChatClient(Model, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });
        var options = new ChatCompletionOptions
        {
            Temperature = 0.8f,
            MaxOutputTokenCount = 200,
#pragma warning disable OPENAI001 // Seed is marked experimental in the client; a fixed seed keeps the test deterministic
            Seed = 42,
#pragma warning restore OPENAI001
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString(WeatherSchema)), ChatTool.CreateFunctionTool("get_time") },
            ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather"),
        };

        var completion = (await client.CompleteChatAsync([new UserChatMessage("Weather in Oslo?")], options)).Value;

        // vLLM (and OpenAI) answer a forced function with finish_reason "stop"
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Empty(completion.Content);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal(ChatToolCallKind.Function, call.Kind);
        Assert.Matches("^chatcmpl-tool-[0-9a-f]{32}$", call.Id);
        AssertFitsWeather(call.FunctionArguments.ToString());
    }

    [Fact]
    public async Task NamedChoice_WithoutParameters_ArgumentsAreTheEmptyObject()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);

        var body = await PostOkAsync(server, """{"type":"function","function":{"name":"get_time"}}""", seed: 3, stream: false);

        var message = body.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var function = message.GetProperty("tool_calls")[0].GetProperty("function");
        Assert.Equal("get_time", function.GetProperty("name").GetString());
        Assert.Equal("{}", function.GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task RequiredChoice_ReturnsAtLeastOneCall_EachNamingADefinedToolWithFittingArguments()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);

        for (var seed = 0; seed < 3; seed++)
        {
            var body = await PostOkAsync(server, "\"required\"", seed, stream: false);

            var choice = body.GetProperty("choices")[0];
            Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
            Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("content").ValueKind);
            var calls = choice.GetProperty("message").GetProperty("tool_calls");
            Assert.True(calls.GetArrayLength() >= 1);
            foreach (var call in calls.EnumerateArray())
            {
                Assert.Equal("function", call.GetProperty("type").GetString());
                var function = call.GetProperty("function");
                var arguments = function.GetProperty("arguments").GetString()!;
                switch (function.GetProperty("name").GetString())
                {
                    case "get_weather": AssertFitsWeather(arguments); break;
                    case "get_time": Assert.Equal("{}", arguments); break;
                    case var other: Assert.Fail($"call names undefined tool {other}"); break;
                }
            }
        }
    }

    [Fact]
    public async Task RequiredChoice_WithoutParallelToolCalls_ReturnsExactlyOneCall()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);

        for (var seed = 0; seed < 3; seed++)
        {
            var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
                Body("\"required\"", seed, stream: false).Replace("\"stream\"", "\"parallel_tool_calls\": false, \"stream\"", StringComparison.Ordinal));

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(1, body.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls").GetArrayLength());
        }
    }

    [Theory]
    [InlineData("""{"type":"function","function":{"name":"get_weather"}}""")]
    [InlineData("\"required\"")]
    public async Task StreamedToolCalls_ReassembleToTheNonStreamingResult(string toolChoice)
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);

        var whole = (await PostOkAsync(server, toolChoice, seed: 11, stream: false)).GetProperty("choices")[0];
        var response = await server.Client.SendAsync(Api.Post("/v1/chat/completions", Body(toolChoice, seed: 11, stream: true)));
        var events = Api.SseData(await response.Content.ReadAsStringAsync());

        var reply = StreamedReply.Of(events);

        Assert.NotEmpty(reply.Names);
        var expected = whole.GetProperty("message").GetProperty("tool_calls").EnumerateArray().Select(c => c.GetProperty("function")).ToList();
        Assert.Equal(expected.Select(f => f.GetProperty("name").GetString()), reply.Names);
        Assert.Equal(expected.Select(f => f.GetProperty("arguments").GetString()), reply.Arguments);
        Assert.Equal(whole.GetProperty("finish_reason").GetString(), reply.FinishReason);
    }

    [Fact]
    public async Task NamedChoice_OnAServerWithTheHermesParser_IsStillConstrained()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host, options: new ServerOptions { ToolCallParser = "hermes" });

        var body = await PostOkAsync(server, """{"type":"function","function":{"name":"get_weather"}}""", seed: 5, stream: false);

        AssertFitsWeather(body.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()!);
    }

    // no whitespace between JSON tokens keeps the random model's output short
    private static string Body(string toolChoice, int seed, bool stream) =>
        $$"""{"model": "{{Model}}", "messages": [{"role": "user", "content": "call a tool"}], "tools": {{Tools}}, "tool_choice": {{toolChoice}}, "max_tokens": 400, "temperature": 1.0, "seed": {{seed}}, "guided_whitespace_pattern": "", "stream": {{(stream ? "true" : "false")}}}""";

    private static async Task<JsonElement> PostOkAsync(TestServer server, string toolChoice, int seed, bool stream)
    {
        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions", Body(toolChoice, seed, stream));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }
}
