using System.Net;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Robustness;

/// <summary>The per-request work caps of <see cref="ServerOptions"/> (issue 13) answer with the limit in the body.</summary>
public sealed class WorkLimitsTests
{
    private const string Model = BuiltinEngine.Model;

    private static async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response)> PostAsync(
        ServerOptions options, string json)
    {
        using var host = BuiltinEngine.Load();
        await using var server = await TestServer.StartAsync(host, options: options);
        return await Api.PostAsync(server.Client, "/v1/completions", json);
    }

    [Fact]
    public async Task ReturnsBadRequest_WhenThePromptListIsLongerThanTheCap()
    {
        var (status, body, _) = await PostAsync(new ServerOptions { MaxPromptsPerRequest = 2 },
            $$"""{"model":"{{Model}}","prompt":["a","b","c"],"max_tokens":2}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 2 prompts", Api.AssertError(body, 400, "BadRequestError", "prompt").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnsBadRequest_WhenPromptsTimesBestOfPassTheSequenceCap()
    {
        var (status, body, _) = await PostAsync(new ServerOptions { MaxSequencesPerRequest = 5 },
            $$"""{"model":"{{Model}}","prompt":["a","b"],"n":1,"best_of":3,"temperature":1,"max_tokens":2}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("2 prompt(s) × 3 = 6", Api.AssertError(body, 400, "BadRequestError", "prompt").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnsServiceUnavailableWithRetryAfter_WhenTheQueueWouldPassItsCap()
    {
        var (status, body, response) = await PostAsync(new ServerOptions { MaxQueuedSequences = 1 },
            $$"""{"model":"{{Model}}","prompt":"a","n":2,"temperature":1,"max_tokens":2}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Api.AssertError(body, 503, "ServiceUnavailableError", null);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task ReturnsBadRequest_WhenAGuidedConstraintIsLongerThanTheCap()
    {
        var (status, body, _) = await PostAsync(new ServerOptions { MaxGuidedChars = 10 },
            $$"""{"model":"{{Model}}","prompt":"a","max_tokens":2,"guided_regex":"[a-z]+[0-9]+x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", "guided_regex");
    }

    [Fact]
    public async Task ResponseId_KeepsOnlyPrintableAsciiOfTheRequestId()
    {
        var (status, body, _) = await PostAsync(new ServerOptions(),
            $$"""{"model":"{{Model}}","prompt":"a","max_tokens":1,"request_id":"ab\ncd\u00e9 x"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("cmpl-ab_cd__x", body.GetProperty("id").GetString());
    }
}
