using System.Net;
using System.Text.Json;
using Server.Keys;
using Server.Tests.Fakes;

namespace Server.Tests.Keys;

/// <summary>Per-key overrides, multi_models and multiplier through the real server (api.md §11.1–11.3).</summary>
public sealed class OverridesTests
{
    [Fact]
    public async Task OverrideWinsOverRequest_IncludingExplicitNull()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(overrides: """{"max_tokens": 3, "seed": {"value": 4, "enabled": true}, "temperature": {"value": 0.2, "enabled": false}}""");
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            """{"model": "tiny", "prompt": "x", "max_tokens": null, "seed": 9, "temperature": 0.9}""", key);

        Assert.Equal(HttpStatusCode.OK, status);
        var request = server.Host.Requests.Single();
        Assert.Equal(3, request.MaxTokens);
        Assert.Equal(4, request.Sampling.Seed);
        // The disabled entry leaves the request's own value.
        Assert.Equal(0.9f, request.Sampling.Temperature);
        Assert.Equal("efg", body.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task IgnoresOverridesOffTheAllowList()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(overrides: """{"model": "tiny-lora", "n": 3, "stream": true}""");
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 1}""", key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("tiny", body.GetProperty("model").GetString());
        Assert.Equal(1, body.GetProperty("choices").GetArrayLength());
    }

    [Fact]
    public async Task ReturnsBadRequestSayingValueCameFromOverrides_WhenOverrideInvalid()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(overrides: """{"top_p": 2}""");
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
            """{"model": "tiny", "messages": [{"role": "user", "content": "x"}]}""", key);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Api.AssertError(body, 400, "BadRequestError", "top_p");
        Assert.Contains("overrides", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppliesOnlyMultiModelsOverride_ToTokenize()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(models: ["tiny-lora"], overrides: """{"multi_models": ["tiny-lora"], "max_tokens": 0}""");
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        // Without the multi_models override this would pick "tiny" and get 403.
        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/tokenize", """{"model": "tiny", "prompt": "ab"}""", key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PicksEachMultiModelsEntry_AndReportsThePick()
    {
        await using var server = await TestServer.StartAsync(random: new Random(1234));
        var seen = new HashSet<string>();

        for (var i = 0; i < 40; i++)
        {
            var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
                """{"multi_models": ["tiny", "tiny-lora"], "prompt": "x", "max_tokens": 1}""");
            Assert.Equal(HttpStatusCode.OK, status);
            seen.Add(body.GetProperty("model").GetString()!);
        }

        // 40 uniform draws from two models miss one with probability 2·2^−40.
        Assert.Equal(["tiny", "tiny-lora"], seen.Order());
        Assert.Equal(server.Host.Requests.Select(r => r.Model).Distinct().Order(), seen.Order());
    }

    [Theory]
    [InlineData("""{"multi_models": [], "prompt": "x"}""", 400, "multi_models")]
    [InlineData("""{"multi_models": "tiny", "prompt": "x"}""", 400, "multi_models")]
    [InlineData("""{"multi_models": ["tiny", "gpt-9"], "prompt": "x"}""", 404, "multi_models")]
    public async Task RejectsBadMultiModels(string json, int status, string param)
    {
        await using var server = await TestServer.StartAsync();

        var (code, body, _) = await Api.PostAsync(server.Client, "/v1/completions", json);

        Assert.Equal(status, (int)code);
        Assert.Equal(param, body.GetProperty("error").GetProperty("param").GetString());
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task PassesMultiplierToEngine(double multiplier)
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(overrides: JsonSerializer.Serialize(new Dictionary<string, double> { ["multiplier"] = multiplier }));
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var (status, _, _) = await Api.PostAsync(server.Client, "/v1/completions", """{"model": "tiny-lora", "prompt": "x", "max_tokens": 1}""", key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(multiplier, server.Host.Requests.Single().Multiplier);
    }

    [Fact]
    public void ParsesFlaggedAndBareEntries()
    {
        var overrides = KeyOverrides.Parse("""{"temperature": 0.5, "top_k": {"value": 40}, "min_p": {"value": 0.1, "enabled": false}, "prompt": "x"}""");

        Assert.Equal(["temperature", "top_k"], overrides.Names.Order());
    }
}
