using System.ClientModel;
using System.Net;
using System.Text.Json;
using Engine.Generation;
using Engine.Model;
using Engine.Tokenization;
using OpenAI;
using OpenAI.Chat;
using Server.Generation;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Generation;

/// <summary>
/// The server over the real engine (the built-in random-weight model) on a real Kestrel: the expectations come
/// from the engine run directly, without HTTP.
/// </summary>
public sealed class EngineModelHostTests
{
    private const string Model = EngineModelHost.BuiltinName;

    private static EngineModelHost Host(string? chatTemplate = null) =>
        EngineModelHost.Load(new EngineSettings(new Dictionary<string, string>(), MaxNumSeqs: 32, KvBlocks: null, chatTemplate));

    // Greedy tokens of the built-in model straight from LlmEngine (no server, no text layer).
    private static async Task<string> DirectGreedyText(IReadOnlyList<int> prompt, int maxTokens)
    {
        var tokenizer = BuiltinModel.CreateTokenizer();
        using var engine = LlmEngine.Create(BuiltinModel.Config, BuiltinModel.CreateWeights(), new EngineOptions { Threads = 1, MaxNumSeqs = 1 });
        var ids = new List<int>();
        var request = new Engine.Generation.GenerationRequest(prompt, maxTokens) { Sampling = Engine.Generation.GenerationRequest.Greedy with { IgnoreEos = true } };
        await foreach (var output in engine.GenerateAsync(request))
        {
            ids.Add(output.TokenId);
        }
        return tokenizer.Decode([.. ids], skipSpecialTokens: true);
    }

    [Fact]
    public async Task Completions_ReturnTheEnginesGreedyText()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "Hello", "max_tokens": 10, "temperature": 0, "ignore_eos": true}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var choice = body.GetProperty("choices")[0];
        // completions tokenise without special tokens by default (api.md §6.1, D2)
        Assert.Equal(await DirectGreedyText(host.Tokenize(Model, "Hello", false), 10), choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(10, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    // The second of two requests with one long prompt finds its full KV blocks cached (blocks of 16 tokens: every
    // full block but the one holding the last prompt token, which is always recomputed) and /metrics counts them.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Metrics_CountPrefixCacheHits_WhenARequestRepeatsAPrompt(bool enabled)
    {
        using var host = EngineModelHost.Load(new EngineSettings(new Dictionary<string, string>(), MaxNumSeqs: 32, KvBlocks: null, null)
        {
            EnablePrefixCaching = enabled,
        });
        await using var server = await TestServer.StartAsync(host);
        var prompt = string.Join(' ', Enumerable.Repeat("Hello world", 40));
        var promptTokens = host.Tokenize(Model, prompt, false).Count;
        Assert.True(promptTokens > 48, $"prompt of {promptTokens} tokens");
        var body = $$"""{"model": "{{Model}}", "prompt": "{{prompt}}", "max_tokens": 2, "temperature": 0, "ignore_eos": true}""";

        var first = await Api.PostAsync(server.Client, "/v1/completions", body);
        var second = await Api.PostAsync(server.Client, "/v1/completions", body);
        var metrics = await server.Client.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.Body.GetProperty("choices")[0].GetProperty("text").GetString(), second.Body.GetProperty("choices")[0].GetProperty("text").GetString());
        // `engine serve --no-prefix-caching` turns the lookup off: nothing is queried, nothing reused
        Assert.Contains($"engine_prefix_cache_queries_total {(enabled ? 2 * promptTokens : 0)}\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"engine_prefix_cache_hits_total {(enabled ? (promptTokens - 1) / 16 * 16 : 0)}\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ThroughTheOpenAIClient_RendersTheTemplateAndGenerates()
    {
        var template = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(template, "{% for m in messages %}<{{ m.role }}>{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}");
            using var host = Host(template);
            await using var server = await TestServer.StartAsync(host);
            var client = new ChatClient(Model, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });

            var completion = (await client.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 6 })).Value;

            Assert.Equal("<user>hi\n<assistant>", host.RenderChat(Model, new ChatRenderRequest(
                [new Server.Generation.ChatMessage("user", "hi", default)], true, false, null, null, null, null)));
            Assert.True(completion.FinishReason is ChatFinishReason.Length or ChatFinishReason.Stop);
            if (completion.FinishReason == ChatFinishReason.Length)
            {
                Assert.Equal(6, completion.Usage.OutputTokenCount);
            }
            Assert.Equal(host.Tokenize(Model, "<user>hi\n<assistant>", false).Count, completion.Usage.InputTokenCount);
        }
        finally
        {
            File.Delete(template);
        }
    }

    // 32 streams at once share every step (MaxNumSeqs 32); each must still get exactly the tokens it gets alone.
    [Fact]
    public async Task ConcurrentStreamingGreedyRequests_MatchOneAtATimeRuns()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);
        string Body(int i, bool stream) =>
            $$"""{"model": "{{Model}}", "prompt": "prompt {{i}}", "max_tokens": 12, "temperature": 0, "ignore_eos": true, "stream": {{(stream ? "true" : "false")}}}""";

        var alone = new string[32];
        for (var i = 0; i < 32; i++)
        {
            var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", Body(i, false));
            Assert.Equal(HttpStatusCode.OK, status);
            alone[i] = body.GetProperty("choices")[0].GetProperty("text").GetString()!;
        }

        var streamed = await Task.WhenAll(Enumerable.Range(0, 32).Select(async i =>
        {
            var response = await server.Client.SendAsync(Api.Post("/v1/completions", Body(i, true)));
            var events = Api.SseData(await response.Content.ReadAsStringAsync());
            Assert.Equal("[DONE]", events[^1]);
            return string.Concat(events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices"))
                .Where(c => c.GetArrayLength() > 0).Select(c => c[0].GetProperty("text").GetString()));
        }));

        Assert.Equal(alone, streamed);
        Assert.Equal(0, host.Stats.KvBlocksUsed);
    }

    [Fact]
    public async Task ClientDisconnect_FreesTheRequestsKvBlocks()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.BaseAddress };

        var response = await client.SendAsync(
            Api.Post("/v1/completions", $$"""{"model": "{{Model}}", "prompt": "x", "max_tokens": 500, "ignore_eos": true, "stream": true}"""),
            HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        _ = await stream.ReadAsync(new byte[64]);
        Assert.True(host.Stats.KvBlocksUsed > 0, "the running request holds blocks");
        response.Dispose();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (host.Stats is not { KvBlocksUsed: 0, Running: 0, Waiting: 0 })
        {
            Assert.True(DateTime.UtcNow < deadline, $"blocks not freed: {host.Stats}");
            await Task.Delay(20);
        }
        Assert.True(host.Stats.KvBlocksTotal > 0);
    }

    [Theory]
    [InlineData("top_p", "1.5")]
    [InlineData("xtc_probability", "2")]
    [InlineData("mirostat_mode", "1")]
    public async Task ReturnsBadRequestNamingField_WhenASamplerFieldIsOutOfRange(string field, string value)
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "x", "{{field}}": {{value}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", field);
    }
}
