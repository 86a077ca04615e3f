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

    [Fact]
    public async Task ExposesVllmSeriesBesideOurs_LabelledWithTheModel()
    {
        await using var server = await TestServer.StartAsync();

        for (var i = 0; i < 2; i++)
            await server.Client.SendAsync(Api.Post("/v1/completions", """{"model": "tiny", "prompt": "abcd", "max_tokens": 5}"""));
        var text = await server.Client.GetStringAsync("/metrics");

        // The same counts as engine_*: 2 × 4 prompt tokens, 2 × 5 generated, 2 first tokens, 2 × 4 gaps, 2 whole requests.
        Assert.Equal(8, Value(text, "vllm:prompt_tokens_total{model_name=\"tiny\"}"));
        Assert.Equal(10, Value(text, "vllm:generation_tokens_total{model_name=\"tiny\"}"));
        Assert.Equal(2, Value(text, "vllm:time_to_first_token_seconds_count{model_name=\"tiny\"}"));
        Assert.Equal(8, Value(text, "vllm:time_per_output_token_seconds_count{model_name=\"tiny\"}"));
        Assert.Equal(2, Value(text, "vllm:e2e_request_latency_seconds_count{model_name=\"tiny\"}"));
        // Engine gauges carry the served base models (tiny-lora is an adapter of tiny): the fake reports 0 of 100 blocks used.
        Assert.Equal(0, Value(text, "vllm:num_requests_running{model_name=\"tiny,no-template\"}"));
        Assert.Equal(0, Value(text, "vllm:gpu_cache_usage_perc{model_name=\"tiny,no-template\"}"));
        Assert.Contains("# TYPE vllm:e2e_request_latency_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("vllm_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServesTheOpenApiDocumentOfEveryEndpoint()
    {
        await using var server = await TestServer.StartAsync();

        var document = System.Text.Json.JsonDocument.Parse(await server.Client.GetStringAsync("/openapi.json")).RootElement;

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/completions", "/v1/chat/completions", "/v1/models", "/v1/models/{id}", "/v1/tokenize", "/v1/detokenize", "/health", "/metrics" })
            Assert.True(paths.TryGetProperty(path, out _), $"/openapi.json lacks {path}");
        Assert.True(paths.GetProperty("/v1/completions").TryGetProperty("post", out _));
    }
}
