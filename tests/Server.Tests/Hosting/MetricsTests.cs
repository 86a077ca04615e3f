using System.Net;
using Server.Keys;
using Server.Tests.Fakes;

namespace Server.Tests.Hosting;

public sealed class MetricsTests
{
    private static double Value(string text, string series) =>
        double.Parse(text.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal))[(series.Length + 1)..],
            System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ExposesRequestsTokensLimitsAndLatencyHistograms()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(new AccountLimits(null, 2, null));
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        for (var i = 0; i < 3; i++)
            await server.Client.SendAsync(Api.Post("/v1/completions", """{"model": "tiny", "prompt": "abcd", "max_tokens": 5}""", key));
        await server.Client.SendAsync(Api.Post("/v1/completions", "{", key));
        var response = await server.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        Assert.Equal(2, Value(text, "engine_requests_total{status=\"200\"}"));
        Assert.Equal(1, Value(text, "engine_requests_total{status=\"429\"}"));
        Assert.Equal(1, Value(text, "engine_requests_total{status=\"400\"}"));
        Assert.Equal(8, Value(text, "engine_prompt_tokens_total"));
        Assert.Equal(10, Value(text, "engine_generation_tokens_total"));
        Assert.Equal(1, Value(text, "engine_rate_limit_rejections_total{reason=\"requestsperminute\"}"));
        Assert.Equal(2, Value(text, "engine_time_to_first_token_seconds_count"));
        // Five tokens per request, one chunk each: four gaps per request.
        Assert.Equal(8, Value(text, "engine_inter_token_latency_seconds_count"));
        Assert.Equal(8, Value(text, "engine_inter_token_latency_seconds_bucket{le=\"+Inf\"}"));
        Assert.Equal(0, Value(text, "engine_num_requests_running"));
        Assert.Equal(100, Value(text, "engine_kv_blocks_total"));
        Assert.Contains("# TYPE engine_time_to_first_token_seconds histogram", text, StringComparison.Ordinal);
    }
}
