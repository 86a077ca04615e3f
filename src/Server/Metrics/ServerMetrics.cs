using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Server.Generation;
using Server.Limits;

namespace Server.Metrics;

/// <summary>
/// The counters behind <c>GET /metrics</c>: requests by status, prompt and generated tokens, limit
/// rejections, time-to-first-token and inter-token latency; engine gauges are read at scrape time.
/// </summary>
public sealed class ServerMetrics
{
    // vllm's bucket bounds for TTFT and inter-token latency (seconds).
    private static readonly double[] TtftBounds = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    private static readonly double[] ItlBounds = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];

    private readonly ConcurrentDictionary<int, long> _requestsByStatus = new();
    private readonly long[] _rejections = new long[Enum.GetValues<LimitKind>().Length];
    private long _promptTokens;
    private long _generationTokens;

    public Histogram TimeToFirstToken { get; } = new("engine_time_to_first_token_seconds", "Time from request acceptance to its first generated token.", TtftBounds);

    public Histogram InterTokenLatency { get; } = new("engine_inter_token_latency_seconds", "Time between consecutive output chunks of one choice.", ItlBounds);

    public void RecordRequest(int status) => _requestsByStatus.AddOrUpdate(status, 1, static (_, n) => n + 1);

    public void RecordRejection(LimitKind kind) => Interlocked.Increment(ref _rejections[(int)kind]);

    public void AddPromptTokens(int n) => Interlocked.Add(ref _promptTokens, n);

    public void AddGenerationTokens(int n) => Interlocked.Add(ref _generationTokens, n);

    /// <summary>Prometheus text exposition format 0.0.4.</summary>
    public string Render(EngineStats stats)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder(2048);
        text.Append("# HELP engine_requests_total HTTP API requests by response status.\n# TYPE engine_requests_total counter\n");
        foreach (var (status, n) in _requestsByStatus.OrderBy(p => p.Key))
            text.Append(inv, $"engine_requests_total{{status=\"{status}\"}} {n}\n");
        Counter(text, "engine_prompt_tokens_total", "Prompt tokens of accepted generation requests.", Interlocked.Read(ref _promptTokens));
        Counter(text, "engine_generation_tokens_total", "Generated tokens sent to clients.", Interlocked.Read(ref _generationTokens));
        text.Append("# HELP engine_rate_limit_rejections_total Generation requests rejected by a per-account limit.\n# TYPE engine_rate_limit_rejections_total counter\n");
        foreach (var kind in Enum.GetValues<LimitKind>())
            text.Append(inv, $"engine_rate_limit_rejections_total{{reason=\"{kind.ToString().ToLowerInvariant()}\"}} {Interlocked.Read(ref _rejections[(int)kind])}\n");
        Gauge(text, "engine_num_requests_running", "Sequences the scheduler is running.", stats.Running);
        Gauge(text, "engine_num_requests_waiting", "Sequences waiting to be scheduled.", stats.Waiting);
        Gauge(text, "engine_kv_blocks_used", "KV-cache blocks in use.", stats.KvBlocksUsed);
        Gauge(text, "engine_kv_blocks_total", "KV-cache blocks in the pool.", stats.KvBlocksTotal);
        Counter(text, "engine_prefix_cache_queries_total", "Prompt tokens looked up in the prefix cache at admission.", stats.PrefixCacheQueryTokens);
        Counter(text, "engine_prefix_cache_hits_total", "Prompt tokens found in the prefix cache (not recomputed).", stats.PrefixCacheHitTokens);
        TimeToFirstToken.WriteTo(text);
        InterTokenLatency.WriteTo(text);
        return text.ToString();
    }

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");

    private static void Gauge(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
}
