using System.Net;
using System.Text.Json;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

public sealed class CompletionsEndpointsTests
{
    private static string Letters(long seed, int choice, int count) =>
        new(Enumerable.Range(0, count).Select(step => FakeModelHost.Letter(seed, choice, step)).ToArray());

    [Fact]
    public async Task ReturnsGeneratedText_WithUsageAndFinishReason()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, response) = await Api.PostAsync(server.Client, "/v1/completions",
            """{"model": "tiny", "prompt": "Hello", "max_tokens": 5, "seed": 2}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.StartsWith("cmpl-", body.GetProperty("id").GetString());
        Assert.Equal(32, body.GetProperty("id").GetString()!.Length - "cmpl-".Length);
        Assert.Equal("tiny", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("cdefg", choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(2, choice.GetProperty("seed").GetInt64());
        Assert.Equal([99, 100, 101, 102, 103], choice.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        var usage = body.GetProperty("usage");
        Assert.Equal(5, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(10, usage.GetProperty("total_tokens").GetInt32());
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task DefaultsMaxTokensTo16()
    {
        await using var server = await TestServer.StartAsync();

        var (_, body, _) = await Api.PostAsync(server.Client, "/v1/completions", """{"model": "tiny", "prompt": "x"}""");

        Assert.Equal(16, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task OrdersChoicesByPromptIndexTimesNPlusChoice_WhenSeveralPromptsAndN()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            """{"model": "tiny", "prompt": ["ab", "abc"], "n": 2, "max_tokens": 3, "seed": 0}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var choices = body.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal([Letters(0, 0, 3), Letters(0, 1, 3), Letters(0, 0, 3), Letters(0, 1, 3)],
            choices.Select(c => c.GetProperty("text").GetString()));
        // Prompt tokens count each prompt once (2 + 3); completion tokens sum all four choices.
        Assert.Equal(5, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(12, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task CutsTextAtStopString_AndReportsIt()
    {
        await using var server = await TestServer.StartAsync();

        var (_, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            """{"model": "tiny", "prompt": "x", "max_tokens": 10, "seed": 0, "stop": ["de"]}""");

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("abc", choice.GetProperty("text").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("de", choice.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task PrependsPrompt_WhenEcho_AndReturnsPromptOnly_WhenMaxTokensZero()
    {
        await using var server = await TestServer.StartAsync();

        var (_, echoed, _) = await Api.PostAsync(server.Client, "/v1/completions",
            """{"model": "tiny", "prompt": "Hi ", "max_tokens": 2, "seed": 0, "echo": true}""");
        var (status, only, _) = await Api.PostAsync(server.Client, "/v1/completions",
            """{"model": "tiny", "prompt": "Hi", "max_tokens": 0, "echo": true}""");

        Assert.Equal("Hi ab", echoed.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Hi", only.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("length", only.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, only.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Single(server.Host.Requests);
    }

    [Fact]
    public async Task ReturnsLogprobsObject_WithTopAlternativesAndOffsets()
    {
        await using var server = await TestServer.StartAsync();

        var (_, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            """{"model": "tiny", "prompt": "x", "max_tokens": 2, "seed": 0, "logprobs": 2}""");

        var lp = body.GetProperty("choices")[0].GetProperty("logprobs");
        Assert.Equal(["a", "b"], lp.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal([-0.5f, -0.5f], lp.GetProperty("token_logprobs").EnumerateArray().Select(t => t.GetSingle()));
        Assert.Equal([0, 1], lp.GetProperty("text_offset").EnumerateArray().Select(t => t.GetInt32()));
        var top = lp.GetProperty("top_logprobs")[1];
        Assert.Equal(-0.5f, top.GetProperty("b").GetSingle());
        Assert.Equal(-1.5f, top.GetProperty("c").GetSingle());
    }

    [Fact]
    public async Task AcceptsFriendliTokensPrompt_AndListSeedPerChoice()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            """{"model": "tiny", "tokens": [1, 2], "n": 2, "seed": [5, 7], "max_tokens": 2}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Letters(5, 0, 2), body.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(Letters(7, 0, 2), body.GetProperty("choices")[1].GetProperty("text").GetString());
    }

    [Fact]
    public async Task StreamsChunksPerToken_ThenUsageChunk_ThenDone()
    {
        await using var server = await TestServer.StartAsync();

        var response = await server.Client.SendAsync(Api.Post("/v1/completions",
            """{"model": "tiny", "prompt": "abc", "max_tokens": 3, "seed": 0, "stream": true, "stream_options": {"include_usage": true}}"""));
        var events = Api.SseData(await response.Content.ReadAsStringAsync());

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        var deltas = chunks[..^1];
        Assert.Equal("abc", string.Concat(deltas.Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString())));
        Assert.All(deltas, c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
        Assert.Equal("length", deltas[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, deltas[0].GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(3, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }
}
