using System.Net;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

/// <summary>Friendli's <c>timeout_microseconds</c> (api.md §12.2): no first token in time → 429, dropped from the queue.</summary>
public sealed class QueueTimeoutTests
{
    [Theory]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 3, "timeout_microseconds": 50000}""")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 3, "stream": true, "timeout_microseconds": 50000}""")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": ["x", "y"], "n": 2, "max_tokens": 3, "timeout_microseconds": 50000}""")]
    [InlineData("/v1/chat/completions", """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "stream": true, "timeout_microseconds": 50000}""")]
    public async Task ReturnsTooManyRequestsBeforeTheStream_WhenFirstTokenDoesNotArriveInTime(string path, string json)
    {
        // The gate is never opened: the request stays queued until the timeout drops it.
        var host = new FakeModelHost { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var server = await TestServer.StartAsync(host);

        var (status, body, response) = await Api.PostAsync(server.Client, path, json);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = Api.AssertError(body, 429, "RateLimitError", null);
        Assert.Equal("Request dropped: it waited longer than timeout_microseconds=50000 in the queue before its first token.",
            error.GetProperty("message").GetString());
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        // Dropped from the engine: its generation was cancelled, nothing is left running.
        await host.FirstCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, host.Active);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("engine_rate_limit_rejections_total{reason=\"queuetimeout\"} 1", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Generates_WhenFirstTokenArrivesBeforeTimeout(bool stream)
    {
        await using var server = await TestServer.StartAsync();
        var json = $$"""{"model": "tiny", "prompt": "x", "max_tokens": 3, "stream": {{(stream ? "true" : "false")}}, "timeout_microseconds": 30000000}""";

        var response = await server.Client.SendAsync(Api.Post("/v1/completions", json));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (stream) Assert.Equal("[DONE]", Api.SseData(text)[^1]);
        else Assert.Equal("abc", System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task ReturnsBadRequest_WhenTimeoutNegative()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", """{"model": "tiny", "prompt": "x", "timeout_microseconds": -1}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", "timeout_microseconds");
    }
}
