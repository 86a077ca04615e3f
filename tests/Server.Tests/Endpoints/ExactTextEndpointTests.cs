using System.Net;
using System.Text;
using System.Text.Json;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

/// <summary>
/// Every text the API returns is exact, for both tokenizer families: completion text, streamed deltas and echo equal
/// what <c>/v1/detokenize</c> gives for prompt + output, logprob tokens join to the text with exact
/// <c>text_offset</c>s, chat <c>bytes</c> are the tokens' bytes, and each choice's seed replays that choice alone.
/// The reference is always the server's own <c>/v1/tokenize</c> and <c>/v1/detokenize</c> of whole sequences.
/// </summary>
public sealed class ExactTextEndpointTests(TwoTokenizerFamilies models) : IClassFixture<TwoTokenizerFamilies>
{
    private static readonly string[] Prompts = ["Once upon a time", "The little dog", "Lily and Ben were", "Hello, 日本 "];

    private async Task<(TestServer Server, IAsyncDisposable Scope)> Start()
    {
        var server = await TestServer.StartAsync(models.Host);
        return (server, server);
    }

    private static async Task<int[]> Tokenize(HttpClient client, string model, string text)
    {
        var (status, body, _) = await Api.PostAsync(client, "/v1/tokenize",
            JsonSerializer.Serialize(new { model, prompt = text, add_special_tokens = false }));
        Assert.Equal(HttpStatusCode.OK, status);
        return [.. body.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32())];
    }

    private static async Task<string> Detokenize(HttpClient client, string model, IEnumerable<int> ids)
    {
        var (status, body, _) = await Api.PostAsync(client, "/v1/detokenize", JsonSerializer.Serialize(new { model, tokens = ids.ToArray() }));
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("prompt").GetString()!;
    }

    private static async Task<JsonElement> Complete(HttpClient client, object request)
    {
        var (status, body, _) = await Api.PostAsync(client, "/v1/completions", JsonSerializer.Serialize(request));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("choices")[0];
    }

    private static int[] Ids(JsonElement array) => [.. array.EnumerateArray().Select(t => t.GetInt32())];

    [Theory]
    [MemberData(nameof(TwoTokenizerFamilies.Models), MemberType = typeof(TwoTokenizerFamilies))]
    public async Task CompletionText_OneShotStreamedAndEchoed_IsTheDetokenizedContinuation(string model)
    {
        var (server, scope) = await Start();
        await using var _ = scope;
        foreach (var prompt in Prompts)
        {
            var promptIds = await Tokenize(server.Client, model, prompt);
            Assert.Equal(prompt, await Detokenize(server.Client, model, promptIds));
            var request = new { model, prompt, max_tokens = 12, temperature = 1, seed = 3, ignore_eos = true };
            var whole = await Complete(server.Client, request);
            var output = Ids(whole.GetProperty("tokens"));
            var all = await Detokenize(server.Client, model, [.. promptIds, .. output]);
            Assert.Equal(all, prompt + whole.GetProperty("text").GetString());

            var echoed = await Complete(server.Client, new { model, prompt, max_tokens = 12, temperature = 1, seed = 3, ignore_eos = true, echo = true });
            Assert.Equal(all, echoed.GetProperty("text").GetString());

            using var response = await server.Client.SendAsync(Api.Post("/v1/completions",
                JsonSerializer.Serialize(new { model, prompt, max_tokens = 12, temperature = 1, seed = 3, ignore_eos = true, stream = true })));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var streamed = new StringBuilder();
            foreach (var data in Api.SseData(await response.Content.ReadAsStringAsync()).Where(d => d != "[DONE]"))
            {
                using var doc = JsonDocument.Parse(data);
                foreach (var choice in doc.RootElement.GetProperty("choices").EnumerateArray())
                    streamed.Append(choice.GetProperty("text").GetString());
            }
            Assert.Equal(all, prompt + streamed);
        }
    }

    [Theory]
    [MemberData(nameof(TwoTokenizerFamilies.Models), MemberType = typeof(TwoTokenizerFamilies))]
    public async Task CompletionLogprobTokens_JoinToTheText_WithExactOffsets_AndKDistinctAlternatives(string model)
    {
        var (server, scope) = await Start();
        await using var _ = scope;
        foreach (var prompt in Prompts)
        {
            foreach (var echo in (bool[])[false, true])
            {
                var choice = await Complete(server.Client, new { model, prompt, max_tokens = 12, temperature = 1, seed = 8, ignore_eos = true, logprobs = 3, echo });
                var text = choice.GetProperty("text").GetString()!;
                var lp = choice.GetProperty("logprobs");
                var tokens = lp.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray();
                var offsets = Ids(lp.GetProperty("text_offset"));
                Assert.Equal(text, string.Concat(tokens));
                for (int i = 0, offset = 0; i < tokens.Length; offset += tokens[i].Length, i++)
                {
                    Assert.Equal(offset, offsets[i]);
                    Assert.Equal(tokens[i], text.Substring(offsets[i], tokens[i].Length));
                }
                // the generated positions: k alternatives plus the sampled token, keyed by their text in context
                var tops = lp.GetProperty("top_logprobs").EnumerateArray().TakeLast(12).ToArray();
                for (var i = 0; i < tops.Length; i++)
                {
                    var keys = tops[i].EnumerateObject().Select(p => p.Name).ToArray();
                    Assert.Contains(tokens[^(tops.Length - i)], keys);
                    Assert.InRange(keys.Length, 3, 4);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TwoTokenizerFamilies.Models), MemberType = typeof(TwoTokenizerFamilies))]
    public async Task ChatIntegerLogprobs_AreTopLogprobs_AndTokensAndBytesAreTheContents(string model)
    {
        var (server, scope) = await Start();
        await using var _ = scope;
        string? template = model == TwoTokenizerFamilies.Aidreams ? TwoTokenizerFamilies.PlainTemplate : null;
        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions", JsonSerializer.Serialize(new
        {
            model, messages = new[] { new { role = "user", content = "Once upon a time" } }, max_tokens = 12, temperature = 1, seed = 4,
            ignore_eos = true, logprobs = 5, chat_template = template,
        }));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var choice = body.GetProperty("choices")[0];
        var content = choice.GetProperty("message").GetProperty("content").GetString()!;
        var entries = choice.GetProperty("logprobs").GetProperty("content").EnumerateArray().ToArray();
        Assert.Equal(12, entries.Length);
        Assert.All(entries, e => Assert.Equal(5, e.GetProperty("top_logprobs").GetArrayLength()));
        Assert.Equal(content, string.Concat(entries.Select(e => e.GetProperty("token").GetString())));
        var bytes = entries.SelectMany(e => e.GetProperty("bytes").EnumerateArray().Select(b => (byte)b.GetInt32())).ToArray();
        if (!content.Contains('\uFFFD', StringComparison.Ordinal))
            Assert.Equal(content, Encoding.UTF8.GetString(bytes));
    }

    [Theory]
    [MemberData(nameof(TwoTokenizerFamilies.Models), MemberType = typeof(TwoTokenizerFamilies))]
    public async Task ChatStream_JoinsToTheOneShotContent(string model)
    {
        var (server, scope) = await Start();
        await using var _ = scope;
        string? template = model == TwoTokenizerFamilies.Aidreams ? TwoTokenizerFamilies.PlainTemplate : null;
        object Request(bool stream) => new
        {
            model, messages = new[] { new { role = "user", content = "The little dog" } }, max_tokens = 10, temperature = 1, seed = 6,
            ignore_eos = true, chat_template = template, stream,
        };
        var (_, whole, _) = await Api.PostAsync(server.Client, "/v1/chat/completions", JsonSerializer.Serialize(Request(false)));
        using var response = await server.Client.SendAsync(Api.Post("/v1/chat/completions", JsonSerializer.Serialize(Request(true))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var streamed = new StringBuilder();
        foreach (var data in Api.SseData(await response.Content.ReadAsStringAsync()).Where(d => d != "[DONE]"))
        {
            using var doc = JsonDocument.Parse(data);
            foreach (var choice in doc.RootElement.GetProperty("choices").EnumerateArray())
                if (choice.GetProperty("delta").TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                    streamed.Append(c.GetString());
        }
        Assert.Equal(whole.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), streamed.ToString());
    }

    [Theory]
    [MemberData(nameof(TwoTokenizerFamilies.Models), MemberType = typeof(TwoTokenizerFamilies))]
    public async Task EachChoicesSeed_ReplaysThatChoiceAlone(string model)
    {
        var (server, scope) = await Start();
        await using var _ = scope;
        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            JsonSerializer.Serialize(new { model, prompt = "Once upon a time", max_tokens = 8, temperature = 1, seed = 77, n = 3, ignore_eos = true }));
        Assert.Equal(HttpStatusCode.OK, status);
        var choices = body.GetProperty("choices").EnumerateArray().ToArray();
        Assert.Equal(3, choices.Select(c => c.GetProperty("seed").GetInt64()).Distinct().Count());
        foreach (var choice in choices)
        {
            var alone = await Complete(server.Client, new
            {
                model, prompt = "Once upon a time", max_tokens = 8, temperature = 1, seed = choice.GetProperty("seed").GetInt64(), ignore_eos = true,
            });
            Assert.Equal(choice.GetProperty("text").GetString(), alone.GetProperty("text").GetString());
            Assert.Equal(Ids(choice.GetProperty("tokens")), Ids(alone.GetProperty("tokens")));
        }
    }
}
