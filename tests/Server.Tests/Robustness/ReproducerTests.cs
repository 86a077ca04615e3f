using System.Net;
using System.Text.Json;
using Server.Tests.Fakes;

namespace Server.Tests.Robustness;

/// <summary>
/// The reproducers of issue 13, each against the real engine on the built-in model behind a real Kestrel: a client
/// error gets a 4xx in the OpenAI error shape naming its field, and the server keeps serving afterwards.
/// </summary>
public sealed class ReproducerTests
{
    private const string Model = BuiltinEngine.Model;

    public static TheoryData<string, string, string?> BadRequests()
    {
        var deep = new string('(', 20000) + "a" + new string(')', 20000);
        var deepGrammar = "root ::= " + new string('(', 20000) + "\"a\"" + new string(')', 20000);
        return new()
        {
            { "/v1/completions", """{"prompt":"x","max_tokens":8,"temperature":1e400,"guided_regex":"a+"}""", "temperature" },
            { "/v1/completions", """{"prompt":"x","max_tokens":8,"temperature":1e39}""", "temperature" },
            { "/v1/completions", $$"""{"prompt":"x","max_tokens":4,"guided_regex":{{JsonSerializer.Serialize(deep)}}}""", "guided_regex" },
            { "/v1/completions", $$"""{"prompt":"x","max_tokens":4,"guided_grammar":{{JsonSerializer.Serialize(deepGrammar)}}}""", "guided_grammar" },
            { "/v1/completions", """{"prompt":"\ud800","max_tokens":2}""", "prompt" },
            { "/v1/completions", """{"prompt":"x","model":"\ud800","max_tokens":2}""", "model" },
            { "/v1/completions", """{"prompt":"x","stop":["\udc00"],"max_tokens":2}""", "stop[0]" },
            { "/v1/completions", """{"prompt":"x","max_tokens":2,"guided_regex":"[\\ud800]"}""", "guided_regex" },
            { "/v1/chat/completions", """{"messages":[{"role":"user","role":"system","content":"a"}],"max_tokens":2}""", "messages[0].role" },
            { "/v1/chat/completions", """{"messages":[{"role":"user","content":"\ud800"}],"max_tokens":2}""", "messages[0].content" },
            { "/v1/chat/completions", """{"messages":[{"role":"\ud800","content":"a"}],"max_tokens":2}""", "messages[0].role" },
            { "/v1/tokenize", """{"prompt":"\ud800"}""", "prompt" },
            { "/v1/completions", """{"prompt":"x","max_tokens":2,"n":2,"best_of":3,"temperature":1,"seed":[1,2]}""", "seed" },
            { "/v1/completions", """{"prompt":"x","max_tokens":2,"best_of":2147483647,"temperature":1}""", "best_of" },
            { "/v1/completions", """{"prompt":"x","max_tokens":2,"n":100000,"temperature":1}""", "n" },
            { "/v1/completions", """{"prompt":"x","max_tokens":2,"timeout_microseconds":9007199254740993}""", "timeout_microseconds" },
        };
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task ReturnsBadRequestNamingTheField_AndKeepsServing(string path, string body, string? param)
    {
        using var host = BuiltinEngine.Load();
        await using var server = await TestServer.StartAsync(host);
        var json = body.Replace("{\"", $"{{\"model\":\"{Model}\",\"", StringComparison.Ordinal);
        if (body.Contains("\"model\"", StringComparison.Ordinal)) json = body;

        var (status, error, _) = await Api.PostAsync(server.Client, path, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(error, 400, "BadRequestError", param);
        await AssertHealthyAsync(server);
    }

    [Fact]
    public async Task ChatWithZeroMaxTokensAndEcho_IsNotA500()
    {
        using var host = BuiltinEngine.Load();
        await using var server = await TestServer.StartAsync(host);

        var (status, _, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
            $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":0,"echo":true}""");

        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"got {(int)status}");
        await AssertHealthyAsync(server);
    }

    // Kestrel refuses a NUL in the path while parsing the request line, before any middleware runs, and writes its own
    // bodiless 400 on a closed connection: the server cannot give it the §4.1 body, but it must stay a 400 and harmless.
    [Fact]
    public async Task ModelIdWithNul_IsA400_AndTheServerKeepsServing()
    {
        using var host = BuiltinEngine.Load();
        await using var server = await TestServer.StartAsync(host);

        var (status, _) = await Api.GetAsync(server.Client, "/v1/models/aid%00");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        await AssertHealthyAsync(server);
    }

    internal static async Task AssertHealthyAsync(TestServer server)
    {
        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"hello","max_tokens":3,"temperature":0}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("length", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }
}
