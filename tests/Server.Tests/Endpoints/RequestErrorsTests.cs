using System.Net;
using System.Text;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

/// <summary>Every bad input is a 4xx with the §4.1 error object naming the field; never a 500.</summary>
public sealed class RequestErrorsTests
{
    public static TheoryData<string, string, string?> BadCompletions => new()
    {
        { """{"model": "tiny", "prompt": "x", "temperature": "hot"}""", "temperature", "temperature must be a number" },
        { """{"model": "tiny", "prompt": "x", "top_p": 1.5}""", "top_p", "top_p must be in (0, 1], got 1.5." },
        { """{"model": "tiny", "prompt": "x", "temperature": -1}""", "temperature", "temperature must be at least 0, got -1." },
        { """{"model": "tiny", "prompt": "x", "n": 1.5}""", "n", "n must be an integer" },
        { """{"model": "tiny", "prompt": "x", "n": 0}""", "n", null },
        { """{"model": "tiny", "prompt": "x", "max_tokens": 0}""", "max_tokens", null },
        { """{"model": "tiny", "prompt": "x", "max_tokens": 10, "min_tokens": 20}""", "min_tokens", "min_tokens must be less than or equal to max_tokens=10, got 20." },
        { """{"model": "tiny", "prompt": "x", "presence_penalty": 3}""", "presence_penalty", null },
        { """{"model": "tiny", "prompt": "x", "top_k": -2}""", "top_k", null },
        { """{"model": "tiny", "prompt": "x", "stream": "yes"}""", "stream", "stream must be a boolean" },
        { """{"model": "tiny", "prompt": "x", "stream_options": {"include_usage": true}}""", "stream_options", null },
        { """{"model": "tiny", "prompt": "x", "suffix": "y"}""", "suffix", "suffix is not currently supported." },
        { """{"model": "tiny", "prompt": "x", "logprobs": 21}""", "logprobs", null },
        { """{"model": "tiny", "prompt": "x", "best_of": 1, "n": 2}""", "best_of", null },
        { """{"model": "tiny", "prompt": "x", "temperature": 0, "n": 2}""", "n", null },
        { """{"model": "tiny", "prompt": "x", "stop": ["a", ""]}""", "stop", null },
        { """{"model": "tiny", "prompt": "x", "stop_token_ids": [5, 300]}""", "stop_token_ids", "stop_token_ids must hold token ids in [0, 258)" },
        { """{"model": "tiny", "prompt": "x", "seed": [1, 2]}""", "seed", null },
        { """{"model": "tiny", "prompt": "x", "multiplier": 3}""", "multiplier", "multiplier must be one of 0.5, 1, 2, 4, got 3." },
        { """{"model": "tiny", "prompt": "x", "mirostat_mode": 1}""", "mirostat_mode", null },
        { """{"model": "tiny", "prompt": "x", "response_format": {"type": "xml"}}""", "response_format", null },
        { """{"model": "tiny", "prompt": "x", "stream": true, "prompt_logprobs": 1}""", "prompt_logprobs", null },
        { """{"model": "tiny", "prompt": []}""", "prompt", null },
        { """{"model": "tiny", "prompt": ["a", [1]]}""", "prompt", null },
        { """{"model": "tiny", "prompt": [1, 999]}""", "prompt", "prompt[1] must be a token id in [0, 258), got 999." },
        { """{"model": "tiny", "prompt": ""}""", "prompt", null },
        { """{"model": "tiny", "prompt": 5}""", "prompt", null },
        { """{"model": "tiny"}""", "prompt", null },
        { """{"model": "tiny", "prompt": "x", "tokens": [1]}""", "prompt", null },
        { """{"prompt": "x"}""", "model", null },
        { """{"model": 7, "prompt": "x"}""", "model", null },
        { """{"model": "tiny", "prompt": "x", "max_tokens": 64}""", "prompt", "This model's maximum context length is 64 tokens. However, you requested 65 tokens (1 in the messages, 64 in the completion)." },
        { """{"model": "tiny", "prompt": "x", "truncate_prompt_tokens": 0}""", "truncate_prompt_tokens", null },
        { """{"model": "tiny", "prompt": "x", "forced_output_tokens": [1]}""", "forced_output_tokens", null },
    };

    [Theory]
    [MemberData(nameof(BadCompletions))]
    public async Task ReturnsBadRequestNamingField_WhenCompletionFieldInvalid(string json, string param, string? message)
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Api.AssertError(body, 400, "BadRequestError", param);
        if (message is not null) Assert.StartsWith(message, error.GetProperty("message").GetString());
        Assert.Empty(server.Host.Requests);
    }

    public static TheoryData<string, string> BadChats => new()
    {
        { """{"model": "tiny", "messages": []}""", "messages" },
        { """{"model": "tiny", "messages": "hi"}""", "messages" },
        { """{"model": "tiny", "messages": [{"content": "hi"}]}""", "messages[0].role" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}""", "messages[0].content[0].type" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "continue_final_message": true}""", "continue_final_message" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "top_logprobs": 2}""", "top_logprobs" },
        { """{"model": "no-template", "messages": [{"role": "user", "content": "hi"}]}""", "chat_template" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "chat_template": "BROKEN"}""", "chat_template" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "max_completion_tokens": 100}""", "messages" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "logprobs": "yes"}""", "logprobs" },
    };

    [Theory]
    [MemberData(nameof(BadChats))]
    public async Task ReturnsBadRequestNamingField_WhenChatFieldInvalid(string json, string param)
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", param);
    }

    [Theory]
    [InlineData("{\"model\": \"tiny\", \"prompt\": ")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public async Task ReturnsBadRequest_WhenBodyIsNotAJsonObject(string json)
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", null);
    }

    [Fact]
    public async Task ReturnsBadRequest_WhenBodyIsInvalidUtf8()
    {
        await using var server = await TestServer.StartAsync();
        var bytes = Encoding.UTF8.GetBytes("{\"model\": \"tiny\", \"prompt\": \"a\xFF\"}").ToList();
        var bad = bytes.IndexOf(0xC3); // "ÿ" encodes as C3 BF; replace with a lone continuation byte.
        bytes[bad] = 0xBF;
        bytes.RemoveAt(bad + 1);
        using var content = new ByteArrayContent(bytes.ToArray());

        var response = await server.Client.PostAsync("/v1/completions", content);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Api.AssertError(body, 400, "BadRequestError", null);
        Assert.Contains("UTF-8", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ReturnsRequestTooLarge_WhenBodyExceedsLimit()
    {
        await using var server = await TestServer.StartAsync(options: new ServerOptions { MaxRequestBodyBytes = 1024 });
        var json = $$"""{"model": "tiny", "prompt": "{{new string('a', 4096)}}"}""";

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", json);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Api.AssertError(body, 413, "RequestTooLargeError", null);
    }

    [Fact]
    public async Task ReturnsNotFound_WhenModelUnknown()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions", """{"model": "gpt-9", "messages": [{"role": "user", "content": "x"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        var error = Api.AssertError(body, 404, "NotFoundError", "model");
        Assert.Equal("The model `gpt-9` does not exist.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ReturnsErrorObject_WhenPathUnknownOrMethodWrong()
    {
        await using var server = await TestServer.StartAsync();

        var (missing, missingBody) = await Api.GetAsync(server.Client, "/v1/nothing");
        var (wrong, wrongBody) = await Api.GetAsync(server.Client, "/v1/completions");

        Assert.Equal(HttpStatusCode.NotFound, missing);
        Api.AssertError(missingBody, 404, "NotFoundError", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrong);
        Api.AssertError(wrongBody, 405, "MethodNotAllowedError", null);
    }

    [Fact]
    public async Task ReturnsServiceUnavailable_WhenEngineNotReady()
    {
        await using var server = await TestServer.StartAsync(new FakeModelHost { IsReady = false });

        var (status, body) = await Api.GetAsync(server.Client, "/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Api.AssertError(body, 503, "ServiceUnavailableError", null);
    }

    [Fact]
    public async Task ReturnsOkWithEmptyBody_WhenHealthy()
    {
        await using var server = await TestServer.StartAsync();

        var response = await server.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EchoesRequestIdHeader()
    {
        await using var server = await TestServer.StartAsync();
        var request = Api.Post("/v1/completions", "{}");
        request.Headers.Add("X-Request-Id", "abc-123");

        var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("abc-123", response.Headers.GetValues("X-Request-Id").Single());
    }
}
