using System.Net;
using System.Text;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

/// <summary>api.md §1 conventions: lenient Content-Type, integral floats, CORS preflights past authentication.</summary>
public sealed class ConventionsTests
{
    [Fact]
    public async Task ParsesBodyAsJson_WhateverTheContentType()
    {
        await using var server = await TestServer.StartAsync();
        using var content = new StringContent("""{"model": "tiny", "prompt": "x", "max_tokens": 2}""", Encoding.UTF8, "text/plain");

        var response = await server.Client.PostAsync(new Uri("/v1/completions", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AcceptsIntegralFloat_WhereAnIntegerIsRequired()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 2.0, "n": 2.0}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("choices").GetArrayLength());
        Assert.Equal(2, server.Host.Requests.Single().MaxTokens);
    }

    [Fact]
    public async Task AnswersCorsPreflight_WithoutAKey_WhileTheRequestItselfNeedsOne()
    {
        using var keys = new TempKeyStore();
        var options = new ServerOptions { CorsOrigins = ["https://app.example"] };
        await using var server = await TestServer.StartAsync(keys: keys.Store, options: options);
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/completions");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");

        var answer = await server.Client.SendAsync(preflight);
        var unauthenticated = await server.Client.SendAsync(Api.Post("/v1/completions", """{"model": "tiny", "prompt": "x"}"""));

        Assert.True(answer.IsSuccessStatusCode, answer.StatusCode.ToString());
        Assert.Equal("https://app.example", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }
}
