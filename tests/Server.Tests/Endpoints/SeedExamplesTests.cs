using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

/// <summary>
/// The hosted APIs' documented example payloads (Endpoints/SeedExamples) posted verbatim, model aside, to both
/// endpoints of a model with enough context for their max_tokens (llama3-tiny, 2048; the prompts are Llama 3 format).
/// Each carries both messages and prompt (the unused one is ignored), streams with prompt_logprobs 0, and sends
/// logprobs 5 (on chat: logprobs true, top_logprobs 5).
/// </summary>
public sealed class SeedExamplesTests(TwoTokenizerFamilies models) : IClassFixture<TwoTokenizerFamilies>
{
    private static JsonObject Load(string name)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Endpoints", "SeedExamples", name)))!.AsObject();
        json["model"] = TwoTokenizerFamilies.Llama3;
        return json;
    }

    public static TheoryData<string, string> Succeeding => new()
    {
        { "awanllm.json", "/v1/completions" }, { "awanllm.json", "/v1/chat/completions" },
        { "arliai_older.json", "/v1/completions" }, { "arliai_older.json", "/v1/chat/completions" },
    };

    [Theory]
    [MemberData(nameof(Succeeding))]
    public async Task Example_StreamsToItsEnd_OnBothEndpoints(string example, string path)
    {
        await using var server = await TestServer.StartAsync(models.Host);
        var (events, finish) = await StreamAsync(server, path, Load(example).ToJsonString());
        Assert.NotEmpty(events);
        Assert.Contains(finish, (string?[])["stop", "length"]);
        // logprobs 5 came back on every token chunk, 5 alternatives (chat) or up to 6 keys (completions: + the token)
        var withLogprobs = events.Where(e => e["choices"]!.AsArray().Any(c => c!["logprobs"] is JsonObject)).ToList();
        Assert.NotEmpty(withLogprobs);
        var lp = withLogprobs[0]["choices"]![0]!["logprobs"]!;
        if (path.Contains("chat", StringComparison.Ordinal))
            Assert.Equal(5, lp["content"]![0]!["top_logprobs"]!.AsArray().Count);
        else
            Assert.InRange(lp["top_logprobs"]![0]!.AsObject().Count, 5, 6);
    }

    [Theory]
    [InlineData("/v1/completions")]
    [InlineData("/v1/chat/completions")]
    public async Task ArliAiExample_GetsA400NamingTheConflictingGuidedFields(string path)
    {
        await using var server = await TestServer.StartAsync(models.Host);
        var (status, body, _) = await Api.PostAsync(server.Client, path, Load("arliai.json").ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = body.GetProperty("error").GetProperty("message").GetString()!;
        foreach (var field in (string[])["guided_json", "guided_regex", "guided_choice", "guided_grammar"])
            Assert.Contains(field, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/completions")]
    [InlineData("/v1/chat/completions")]
    public async Task ArliAiExample_WithItsGrammarAlone_AnswersYesOrNo(string path)
    {
        await using var server = await TestServer.StartAsync(models.Host);
        var payload = Load("arliai.json");
        foreach (var field in (string[])["guided_json", "guided_regex", "guided_choice"])
            payload.Remove(field);
        var (events, finish) = await StreamAsync(server, path, payload.ToJsonString());
        var text = string.Concat(events.SelectMany(e => e["choices"]!.AsArray())
            .Select(c => (string?)c!["text"] ?? (string?)c!["delta"]?["content"] ?? ""));
        Assert.Contains(text, (string[])["yes", "no"]);
        Assert.Equal("stop", finish);
    }

    private static async Task<(List<JsonNode> Events, string? Finish)> StreamAsync(TestServer server, string path, string json)
    {
        // max_tokens 1024 over a 128k vocabulary takes a while on two shared cores: more than the default 30 s client
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        using var response = await client.SendAsync(Api.Post(path, json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var data = Api.SseData(body);
        Assert.Equal("[DONE]", data[^1]);
        var events = data.SkipLast(1).Select(d => JsonNode.Parse(d)!).ToList();
        Assert.DoesNotContain(events, e => e["error"] is not null);
        var finish = events.SelectMany(e => e["choices"]!.AsArray()).Select(c => (string?)c!["finish_reason"]).LastOrDefault(f => f is not null);
        return (events, finish);
    }
}
