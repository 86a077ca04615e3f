using System.Net;
using System.Text.Json;
using Engine.Generation;
using Engine.Model;
using Engine.Sampling;
using Server.Generation;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Generation;

/// <summary>
/// prompt_logprobs, echo with logprobs, beam search and best_of over the real engine (the built-in random-weight
/// model) on a real Kestrel: response shapes from api.md §4.4, §4.6, §6.4, §8.1, values from the engine run directly.
/// </summary>
public sealed class GenerationFeaturesTests
{
    private const string Model = EngineModelHost.BuiltinName;
    private const string Prompt = "Hello there";

    // JSON carries each float in its shortest round-trip form, so values come back bit for bit
    private const float Exact = 0f;

    private static EngineModelHost Host() =>
        EngineModelHost.Load(new EngineSettings(new Dictionary<string, string>(), MaxNumSeqs: 8, KvBlocks: null, null));

    private static async Task<List<RequestOutput>> Direct(IReadOnlyList<int> prompt, SamplingParams sampling, int maxTokens)
    {
        using var engine = LlmEngine.Create(BuiltinModel.Config, BuiltinModel.CreateWeights(), new EngineOptions { Threads = 1 },
            BuiltinModel.CreateTokenizer());
        var outputs = new List<RequestOutput>();
        await foreach (var output in engine.GenerateAsync(new EngineRequest(prompt, sampling.Validate(), maxTokens)))
        {
            outputs.Add(output);
        }
        return outputs;
    }

    private static async Task<(EngineModelHost Host, TestServer Server)> Start()
    {
        var host = Host();
        return (host, await TestServer.StartAsync(host));
    }

    // §4.6: a list with one entry per prompt token, null first, then {"<id>": {logprob, rank, decoded_token}} holding
    // the prompt token and the k best alternatives.
    private static void AssertPromptLogprobs(JsonElement list, IReadOnlyList<Engine.Output.PromptLogprob?> expected, int k, EngineModelHost host)
    {
        Assert.Equal(expected.Count, list.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, list[0].ValueKind);
        for (var p = 1; p < expected.Count; p++)
        {
            var e = expected[p]!;
            var position = list[p];
            var own = position.GetProperty(e.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(e.Logprob, own.GetProperty("logprob").GetSingle(), Exact);
            Assert.Equal(e.Rank, own.GetProperty("rank").GetInt32());
            Assert.Equal(host.TokenText(Model, e.TokenId), own.GetProperty("decoded_token").GetString());
            var ids = e.Top.Take(k).Select(t => t.TokenId).Append(e.TokenId).Distinct().Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(ids.Order(), position.EnumerateObject().Select(o => o.Name).Order());
            for (var j = 0; j < k; j++)
            {
                var alt = position.GetProperty(e.Top[j].TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(e.Top[j].Logprob, alt.GetProperty("logprob").GetSingle(), Exact);
                if (e.Top[j].TokenId != e.TokenId)
                {
                    Assert.Equal(j + 1, alt.GetProperty("rank").GetInt32());
                }
            }
        }
    }

    [Fact]
    public async Task Completions_CarryPromptLogprobsOnEachChoice()
    {
        var (host, server) = await Start();
        using var hostScope = host;
        await using var serverScope = server;
        var ids = host.Tokenize(Model, Prompt, false);
        var expected = await Direct(ids, new SamplingParams { Temperature = 0f, PromptLogprobs = 2 }, 3);

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "{{Prompt}}", "max_tokens": 3, "temperature": 0.5, "n": 2, "seed": 3, "prompt_logprobs": 2}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("choices").GetArrayLength());
        foreach (var choice in body.GetProperty("choices").EnumerateArray())
        {
            AssertPromptLogprobs(choice.GetProperty("prompt_logprobs"), expected[0].PromptLogprobs!, 2, host);
        }
        Assert.False(body.TryGetProperty("prompt_logprobs", out _));
    }

    [Fact]
    public async Task Completions_OmitPromptLogprobs_WhenNotAsked()
    {
        var (host, server) = await Start();
        using var hostScope = host;
        await using var serverScope = server;
        var (_, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "{{Prompt}}", "max_tokens": 2, "temperature": 0}""");
        Assert.False(body.GetProperty("choices")[0].TryGetProperty("prompt_logprobs", out _));
    }

    [Fact]
    public async Task Chat_CarriesPromptLogprobsAtTheTopLevel()
    {
        var template = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(template, "{% for m in messages %}<{{ m.role }}>{{ m.content }}\n{% endfor %}<assistant>");
            using var host = EngineModelHost.Load(new EngineSettings(new Dictionary<string, string>(), MaxNumSeqs: 8, KvBlocks: null, template));
            await using var server = await TestServer.StartAsync(host);
            var ids = host.Tokenize(Model, "<user>hi\n<assistant>", false);
            var expected = await Direct(ids, new SamplingParams { Temperature = 0f, PromptLogprobs = 1 }, 2);

            var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
                $$"""{"model": "{{Model}}", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2, "temperature": 0, "prompt_logprobs": 1}""");

            Assert.Equal(HttpStatusCode.OK, status);
            AssertPromptLogprobs(body.GetProperty("prompt_logprobs"), expected[0].PromptLogprobs!, 1, host);
            Assert.False(body.GetProperty("choices")[0].TryGetProperty("prompt_logprobs", out _));
        }
        finally
        {
            File.Delete(template);
        }
    }

    // §6.4: the prompt's tokens lead the §4.4 arrays, the first with null logprob and null top dict.
    [Fact]
    public async Task EchoWithLogprobs_PrependsThePromptTokens()
    {
        var (host, server) = await Start();
        using var hostScope = host;
        await using var serverScope = server;
        var ids = host.Tokenize(Model, Prompt, false);
        var expected = await Direct(ids, new SamplingParams { Temperature = 0f, PromptLogprobs = 2, Logprobs = 2 }, 3);
        var generated = expected.SelectMany(o => o.Logprobs!).ToArray();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "{{Prompt}}", "max_tokens": 3, "temperature": 0, "echo": true, "logprobs": 2}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(Prompt + string.Concat(expected.Select(o => o.Text)), choice.GetProperty("text").GetString());
        var lp = choice.GetProperty("logprobs");
        var tokens = lp.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal([.. ids.Select(id => host.TokenText(Model, id)), .. generated.Select(g => host.TokenText(Model, g.TokenId))], tokens);
        var values = lp.GetProperty("token_logprobs");
        var tops = lp.GetProperty("top_logprobs");
        Assert.Equal(JsonValueKind.Null, values[0].ValueKind);
        Assert.Equal(JsonValueKind.Null, tops[0].ValueKind);
        var prompt = expected[0].PromptLogprobs!;
        for (var p = 1; p < ids.Count; p++)
        {
            Assert.Equal(prompt[p]!.Logprob, values[p].GetSingle(), Exact);
            Assert.Equal(prompt[p]!.Top[0].Logprob, tops[p].GetProperty(host.TokenText(Model, prompt[p]!.Top[0].TokenId)).GetSingle(), Exact);
        }
        for (var g = 0; g < generated.Length; g++)
        {
            Assert.Equal(generated[g].Logprob, values[ids.Count + g].GetSingle(), Exact);
        }
        // offsets run over the token strings from the first prompt token on
        var offsets = lp.GetProperty("text_offset").EnumerateArray().Select(o => o.GetInt32()).ToArray();
        Assert.Equal(tokens.Select((_, i) => tokens.Take(i).Sum(t => t.Length)), offsets);
        Assert.False(choice.TryGetProperty("prompt_logprobs", out _));
    }

    // §6.4 in streaming: the first chunk of the choice carries the prompt text and the prompt tokens' logprobs.
    [Fact]
    public async Task EchoWithLogprobs_Streamed_PutsThePromptInTheFirstChunk()
    {
        var (host, server) = await Start();
        using var hostScope = host;
        await using var serverScope = server;
        var ids = host.Tokenize(Model, Prompt, false);
        var expected = await Direct(ids, new SamplingParams { Temperature = 0f, PromptLogprobs = 1, Logprobs = 1 }, 3);

        var response = await server.Client.SendAsync(Api.Post("/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "{{Prompt}}", "max_tokens": 3, "temperature": 0, "echo": true, "logprobs": 1, "stream": true}"""));

        var events = Api.SseData(await response.Content.ReadAsStringAsync());
        var chunks = events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0]).ToArray();
        Assert.StartsWith(Prompt, chunks[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(Prompt + string.Concat(expected.Select(o => o.Text)), string.Concat(chunks.Select(c => c.GetProperty("text").GetString())));
        var values = chunks.SelectMany(c => c.GetProperty("logprobs").ValueKind == JsonValueKind.Null ? []
            : c.GetProperty("logprobs").GetProperty("token_logprobs").EnumerateArray()).ToArray();
        Assert.Equal(ids.Count + 3, values.Length);
        Assert.Equal(JsonValueKind.Null, values[0].ValueKind);
        Assert.Equal(expected[0].PromptLogprobs![1]!.Logprob, values[1].GetSingle(), Exact);
        Assert.Equal(expected.SelectMany(o => o.Logprobs!).Select(l => l.Logprob), values.Skip(ids.Count).Select(v => v.GetSingle()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EchoWithMaxTokensZero_ReturnsOnlyThePromptAndItsLogprobs(bool stream)
    {
        var (host, server) = await Start();
        using var hostScope = host;
        await using var serverScope = server;
        var ids = host.Tokenize(Model, Prompt, false);
        var expected = (await Direct(ids, new SamplingParams { Temperature = 0f, PromptLogprobs = 1 }, 1))[0].PromptLogprobs!;

        var response = await server.Client.SendAsync(Api.Post("/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "{{Prompt}}", "max_tokens": 0, "echo": true, "logprobs": 1, "stream": {{(stream ? "true" : "false")}}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement choice;
        if (stream)
        {
            var events = Api.SseData(text);
            Assert.Equal("[DONE]", events[^1]);
            Assert.Equal(2, events.Count);
            choice = JsonDocument.Parse(events[0]).RootElement.GetProperty("choices")[0];
        }
        else
        {
            var body = JsonDocument.Parse(text).RootElement;
            choice = body.GetProperty("choices")[0];
            Assert.Equal(0, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
            Assert.Empty(choice.GetProperty("tokens").EnumerateArray());
        }
        Assert.Equal(Prompt, choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var values = choice.GetProperty("logprobs").GetProperty("token_logprobs");
        Assert.Equal(ids.Count, values.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, values[0].ValueKind);
        Assert.Equal(expected[^1]!.Logprob, values[ids.Count - 1].GetSingle(), Exact);
    }

    [Fact]
    public async Task BeamSearch_ReturnsTheEnginesBeams_WholeOrAsOneEvent_AndNumBeamsIsTheSame()
    {
        var (host, server) = await Start();
        using var hostScope = host;
        await using var serverScope = server;
        var ids = host.Tokenize(Model, Prompt, false);
        var expected = await Direct(ids, new SamplingParams { Temperature = 0f, N = 2, BestOf = 3, UseBeamSearch = true, IgnoreEos = true }, 5);
        const string Fields = "\"max_tokens\": 5, \"temperature\": 0, \"ignore_eos\": true, \"n\": 2";

        var (status, whole, _) = await Api.PostAsync(server.Client, "/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "{{Prompt}}", {{Fields}}, "use_beam_search": true, "best_of": 3}""");
        var (_, friendli, _) = await Api.PostAsync(server.Client, "/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "{{Prompt}}", {{Fields}}, "num_beams": 3}""");
        var response = await server.Client.SendAsync(Api.Post("/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "{{Prompt}}", {{Fields}}, "use_beam_search": true, "best_of": 3, "stream": true}"""));

        Assert.Equal(HttpStatusCode.OK, status);
        static string[] Texts(JsonElement body) => [.. body.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("text").GetString()!)];
        Assert.Equal(expected.Select(o => o.Text), Texts(whole));
        Assert.Equal(Texts(whole), Texts(friendli));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = Api.SseData(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, events.Count);
        Assert.Equal("[DONE]", events[1]);
        var single = JsonDocument.Parse(events[0]).RootElement;
        Assert.Equal("text_completion", single.GetProperty("object").GetString());
        Assert.Equal(Texts(whole), Texts(single));
        Assert.Equal(whole.GetProperty("usage").GetProperty("completion_tokens").GetInt32(),
            single.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task BestOfAboveN_StreamsOneEventWithTheWholeResponse_ForChatToo()
    {
        var template = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(template, "{% for m in messages %}{{ m.content }}{% endfor %}");
            using var host = EngineModelHost.Load(new EngineSettings(new Dictionary<string, string>(), MaxNumSeqs: 8, KvBlocks: null, template));
            await using var server = await TestServer.StartAsync(host);
            const string Body = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 4, \"temperature\": 0.8, \"seed\": 5, \"n\": 1, \"best_of\": 3";

            var (_, whole, _) = await Api.PostAsync(server.Client, "/v1/chat/completions", $$"""{"model": "{{Model}}", {{Body}}}""");
            var response = await server.Client.SendAsync(Api.Post("/v1/chat/completions", $$"""{"model": "{{Model}}", {{Body}}, "stream": true}"""));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var events = Api.SseData(await response.Content.ReadAsStringAsync());
            Assert.Equal(2, events.Count);
            Assert.Equal("[DONE]", events[1]);
            var single = JsonDocument.Parse(events[0]).RootElement;
            Assert.Equal("chat.completion", single.GetProperty("object").GetString());
            Assert.Equal(whole.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(),
                single.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }
        finally
        {
            File.Delete(template);
        }
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "\"prompt_logprobs\": 1, \"stream\": true", "prompt_logprobs" },
        { "\"prompt_logprobs\": 1, \"stream\": true", "prompt_logprobs" },
        { "\"use_beam_search\": true, \"best_of\": 2, \"temperature\": 0.7", "temperature" },
        { "\"use_beam_search\": true, \"best_of\": 1, \"temperature\": 0", "best_of" },
        { "\"use_beam_search\": true, \"best_of\": 2, \"temperature\": 0, \"top_p\": 0.5", "top_p" },
        { "\"use_beam_search\": true, \"best_of\": 2, \"temperature\": 0, \"top_k\": 5", "top_k" },
        { "\"use_beam_search\": true, \"best_of\": 2, \"n\": 3, \"temperature\": 0", "best_of" },
        { "\"length_penalty\": 2.0", "length_penalty" },
        { "\"early_stopping\": true", "early_stopping" },
        { "\"use_beam_search\": true, \"best_of\": 2, \"temperature\": 0, \"early_stopping\": \"sometimes\"", "early_stopping" },
        { "\"use_beam_search\": true, \"best_of\": 9, \"temperature\": 0", "best_of" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task ReturnsBadRequestNamingTheField_ForInvalidCombinations(string fields, string param)
    {
        var (host, server) = await Start();
        using var hostScope = host;
        await using var serverScope = server;
        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            $$"""{"model": "{{Model}}", "prompt": "{{Prompt}}", "max_tokens": 3, {{fields}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", param);
    }
}
