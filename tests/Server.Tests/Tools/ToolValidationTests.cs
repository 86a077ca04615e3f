using System.Net;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Tools;

/// <summary>Every malformed <c>tools</c> / <c>tool_choice</c> is a 400 naming the field (api.md §7.6, §13).</summary>
public sealed class ToolValidationTests
{
    private const string Weather = """{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}""";

    [Theory]
    [InlineData("\"tools\": {}", "tools")]
    [InlineData("\"tools\": []", "tools")]
    [InlineData("\"tools\": [3]", "tools")]
    [InlineData("\"tools\": [{\"type\": \"retrieval\", \"function\": {\"name\": \"f\"}}]", "tools")]
    [InlineData("\"tools\": [{\"type\": \"function\"}]", "tools")]
    [InlineData("\"tools\": [{\"type\": \"function\", \"function\": {\"description\": \"no name\"}}]", "tools")]
    [InlineData("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"has space\"}}]", "tools")]
    [InlineData("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\\n\"}}]", "tools")]
    [InlineData("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}]", "tools")]
    [InlineData("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": [1]}}]", "tools")]
    [InlineData("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"description\": 5}}]", "tools")]
    [InlineData("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}, {\"type\": \"function\", \"function\": {\"name\": \"f\"}}]", "tools")]
    [InlineData("\"tools\": [" + Weather + "], \"tool_choice\": \"sometimes\"", "tool_choice")]
    [InlineData("\"tools\": [" + Weather + "], \"tool_choice\": 1", "tool_choice")]
    [InlineData("\"tools\": [" + Weather + "], \"tool_choice\": {\"type\": \"function\"}", "tool_choice")]
    [InlineData("\"tools\": [" + Weather + "], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"get_time\"}}", "tool_choice")]
    [InlineData("\"tools\": [" + Weather + "], \"tool_choice\": {\"type\": \"other\", \"function\": {\"name\": \"get_weather\"}}", "tool_choice")]
    [InlineData("\"tool_choice\": \"none\"", "tool_choice")]
    [InlineData("\"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}", "tool_choice")]
    [InlineData("\"tools\": [" + Weather + "], \"tool_choice\": \"auto\"", "tool_choice")]
    [InlineData("\"tools\": [" + Weather + "], \"guided_regex\": \"a+\"", "tools")]
    [InlineData("\"tools\": [" + Weather + "], \"tool_choice\": \"required\", \"guided_choice\": [\"a\"]", "tools")]
    [InlineData("\"tools\": [" + Weather + "], \"response_format\": {\"type\": \"json_object\"}", "tools")]
    [InlineData("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {\"type\": \"object\", \"not\": {}}}}], \"tool_choice\": \"required\"", "tools")]
    [InlineData("\"tools\": [" + Weather + "], \"parallel_tool_calls\": \"no\"", "parallel_tool_calls")]
    public async Task Returns400NamingTheField(string fields, string param)
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
            $$"""{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], {{fields}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", param);
        Assert.Empty(server.Host.Requests);
    }

    [Fact]
    public async Task AutoWithoutParser_SaysHowToEnableIt()
    {
        await using var server = await TestServer.StartAsync();

        var (_, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
            $$"""{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "tools": [{{Weather}}], "tool_choice": "auto"}""");

        var message = Api.AssertError(body, 400, "BadRequestError", "tool_choice").GetProperty("message").GetString();
        Assert.Contains("--tool-call-parser NAME` (hermes, llama3_json, mistral)", message);
    }

    [Theory]
    [InlineData(", \"tool_choice\": \"none\"")]
    [InlineData("")]
    [InlineData(", \"response_format\": {\"type\": \"text\"}")]
    public async Task NoneOrAbsentChoice_WithoutParser_GeneratesPlainContent(string choice)
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
            $$"""{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "tools": [{{Weather}}]{{choice}}, "max_tokens": 3, "seed": 0}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var choice0 = body.GetProperty("choices")[0];
        Assert.Equal("abc", choice0.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(0, choice0.GetProperty("message").GetProperty("tool_calls").GetArrayLength());
        Assert.Equal("length", choice0.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Auto_WithHermesParser_ReturnsPlainContent_WhenTheTextHasNoCalls()
    {
        await using var server = await TestServer.StartAsync(options: new ServerOptions { ToolCallParser = "hermes" });

        // absent tool_choice means "auto" once a parser is configured
        foreach (var choice in (string[])[", \"tool_choice\": \"auto\"", ""])
        {
            var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
                $$"""{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "tools": [{{Weather}}]{{choice}}, "max_tokens": 4, "seed": 1}""");

            Assert.Equal(HttpStatusCode.OK, status);
            var choice0 = body.GetProperty("choices")[0];
            Assert.Equal("bcde", choice0.GetProperty("message").GetProperty("content").GetString());
            Assert.Equal("length", choice0.GetProperty("finish_reason").GetString());
        }
    }

    [Fact]
    public async Task Auto_Streaming_WithHermesParser_SendsTheBufferedTextAsContent()
    {
        await using var server = await TestServer.StartAsync(options: new ServerOptions { ToolCallParser = "hermes" });

        var response = await server.Client.SendAsync(Api.Post("/v1/chat/completions",
            $$"""{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "tools": [{{Weather}}], "tool_choice": "auto", "max_tokens": 4, "seed": 1, "stream": true}"""));
        var events = Api.SseData(await response.Content.ReadAsStringAsync());

        var content = "";
        string? finish = null;
        foreach (var data in events[..^1])
        {
            using var doc = System.Text.Json.JsonDocument.Parse(data);
            var choice = doc.RootElement.GetProperty("choices")[0];
            Assert.False(choice.GetProperty("delta").TryGetProperty("tool_calls", out _));
            if (choice.GetProperty("delta").TryGetProperty("content", out var c)) content += c.GetString();
            if (choice.GetProperty("finish_reason").ValueKind == System.Text.Json.JsonValueKind.String) finish = choice.GetProperty("finish_reason").GetString();
        }
        Assert.Equal("bcde", content);
        Assert.Equal("length", finish);
        Assert.Equal("[DONE]", events[^1]);
    }

    [Theory]
    [InlineData("hermes", 0)]
    [InlineData("llama3_json", 0)]
    [InlineData("mistral", 0)]
    [InlineData("xml", 1)]
    public void ServeAcceptsOnlyKnownToolCallParsers(string parser, int errors) =>
        Assert.Equal(errors, Server.Cli.EngineCli.Build().Parse(["serve", "--tool-call-parser", parser]).Errors.Count);

    [Fact]
    public void UnknownToolCallParser_ErrorListsTheAcceptedNames()
    {
        var error = Assert.Single(Server.Cli.EngineCli.Build().Parse(["serve", "--tool-call-parser", "xml"]).Errors).Message;

        Assert.All(["hermes", "llama3_json", "mistral"], name => Assert.Contains(name, error));
    }
}
