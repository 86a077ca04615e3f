using System.ClientModel;
using System.Net;
using OpenAI;
using OpenAI.Models;
using Server.Tests.Fakes;

namespace Server.Tests.Hosting;

public sealed class AuthenticationTests
{
    private const string Completion = """{"model": "tiny", "prompt": "x", "max_tokens": 1}""";

    [Fact]
    public async Task ReturnsUnauthorized_WhenKeyMissing()
    {
        using var keys = new TempKeyStore();
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var (status, body, response) = await Api.PostAsync(server.Client, "/v1/completions", Completion);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var error = Api.AssertError(body, 401, "AuthenticationError", null);
        Assert.Equal("Invalid or missing API key.", error.GetProperty("message").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task ReturnsUnauthorized_WhenKeyWrongOrRevoked()
    {
        using var keys = new TempKeyStore();
        var (record, key) = keys.Store.Create("k", Server.Keys.AccountLimits.Unlimited, null, null);
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var (wrong, _, _) = await Api.PostAsync(server.Client, "/v1/completions", Completion, "sk-" + new string('0', 64));
        var (ok, _, _) = await Api.PostAsync(server.Client, "/v1/completions", Completion, key);
        keys.Store.Revoke(record.Id);
        var (revoked, _, _) = await Api.PostAsync(server.Client, "/v1/completions", Completion, key);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked);
    }

    [Fact]
    public async Task AcceptsXApiKeyHeader_AndProtectsTokenizeAlias()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey();
        await using var server = await TestServer.StartAsync(keys: keys.Store);
        var request = Api.Post("/tokenize", """{"prompt": "a"}""");
        request.Headers.Add("x-api-key", key);

        var withKey = await server.Client.SendAsync(request);
        var (without, _, _) = await Api.PostAsync(server.Client, "/tokenize", """{"prompt": "a"}""");

        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, without);
    }

    [Fact]
    public async Task KeepsServiceEndpointsOpen()
    {
        using var keys = new TempKeyStore();
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/version")).StatusCode);
    }

    [Fact]
    public async Task SurfacesUnauthorized_ThroughOpenAiClient()
    {
        using var keys = new TempKeyStore();
        await using var server = await TestServer.StartAsync(keys: keys.Store);
        var client = new OpenAIModelClient(new ApiKeyCredential("sk-nope"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });

        var e = await Assert.ThrowsAsync<ClientResultException>(() => client.GetModelsAsync());

        Assert.Equal(401, e.Status);
        Assert.Contains("Invalid or missing API key.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListsOnlyAllowedModels()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(models: ["tiny-lora"]);
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var (_, body) = await Api.GetAsync(server.Client, "/v1/models", key);
        var (single, _) = await Api.GetAsync(server.Client, "/v1/models/tiny", key);

        Assert.Equal(["tiny-lora"], body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, single);
    }

    [Fact]
    public async Task ReturnsForbidden_WhenModelNotAllowedForKey()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(models: ["tiny-lora"]);
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", Completion, key);
        var (multi, multiBody, _) = await Api.PostAsync(server.Client, "/v1/completions",
            """{"multi_models": ["tiny-lora", "tiny"], "prompt": "x"}""", key);
        var (unknown, _, _) = await Api.PostAsync(server.Client, "/v1/completions", """{"model": "gpt-9", "prompt": "x"}""", key);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        var error = Api.AssertError(body, 403, "PermissionDeniedError", "model");
        Assert.Equal("Your account does not have access to model `tiny`.", error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, multi);
        Api.AssertError(multiBody, 403, "PermissionDeniedError", "multi_models");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }
}
