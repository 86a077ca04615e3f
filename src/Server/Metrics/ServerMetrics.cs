using Prometheus;
using Server.Generation;
using Server.Limits;

namespace Server.Metrics;

/// <summary>
/// The series behind <c>GET /metrics</c>, through prometheus-net: ours (<c>engine_*</c>: requests by status, prompt and
/// generated tokens, limit rejections, time-to-first-token, inter-token latency, scheduler and KV-cache gauges) and,
/// beside them, vLLM's names and labels (<c>vllm:*{model_name}</c>), so dashboards built for vLLM work unchanged.
/// Each server has its own registry (tests run many in one process); engine gauges are read at scrape time.
/// </summary>
/// <remarks>
/// prometheus-net 8 refuses colons in metric names (Prometheus reserves them for recording rules, yet vLLM exposes
/// <c>vllm:</c> names directly), so the vLLM series are registered as <c>vllm_*</c> and renamed on export
/// (<see cref="VllmNames"/>).
/// </remarks>
public sealed class ServerMetrics
{
    // vLLM's bucket bounds (seconds): TTFT, time per output token, end-to-end latency.
    private static readonly double[] TtftBounds = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    private static readonly double[] TpotBounds = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];
    private static readonly double[] E2eBounds = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60];
    private static readonly string[] ModelLabel = ["model_name"];

    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ModelSeries> _models = new(StringComparer.Ordinal);
    private readonly Counter _requests;
    private readonly Counter _rejections;
    private readonly Counter _promptTokens;
    private readonly Counter _generationTokens;
    private readonly Histogram _ttft;
    private readonly Histogram _itl;
    private readonly Counter _vllmPromptTokens;
    private readonly Counter _vllmGenerationTokens;
    private readonly Histogram _vllmTtft;
    private readonly Histogram _vllmTpot;
    private readonly Histogram _vllmE2e;
    private readonly Gauge _running;
    private readonly Gauge _waiting;
    private readonly Gauge _kvUsed;
    private readonly Gauge _kvTotal;
    private readonly Counter _prefixQueries;
    private readonly Counter _prefixHits;
    private readonly Gauge _vllmRunning;
    private readonly Gauge _vllmWaiting;
    private readonly Gauge _vllmCacheUsage;

    public ServerMetrics()
    {
        var f = Prometheus.Metrics.WithCustomRegistry(_registry);
        _requests = f.CreateCounter("engine_requests_total", "HTTP API requests by response status.", "status");
        _promptTokens = f.CreateCounter("engine_prompt_tokens_total", "Prompt tokens of accepted generation requests.");
        _generationTokens = f.CreateCounter("engine_generation_tokens_total", "Generated tokens sent to clients.");
        _rejections = f.CreateCounter("engine_rate_limit_rejections_total", "Generation requests rejected by a per-account limit.", "reason");
        foreach (var kind in Enum.GetValues<LimitKind>()) _rejections.WithLabels(Reason(kind));
        _running = f.CreateGauge("engine_num_requests_running", "Sequences the scheduler is running.");
        _waiting = f.CreateGauge("engine_num_requests_waiting", "Sequences waiting to be scheduled.");
        _kvUsed = f.CreateGauge("engine_kv_blocks_used", "KV-cache blocks in use.");
        _kvTotal = f.CreateGauge("engine_kv_blocks_total", "KV-cache blocks in the pool.");
        _prefixQueries = f.CreateCounter("engine_prefix_cache_queries_total", "Prompt tokens looked up in the prefix cache at admission.");
        _prefixHits = f.CreateCounter("engine_prefix_cache_hits_total", "Prompt tokens found in the prefix cache (not recomputed).");
        _ttft = f.CreateHistogram("engine_time_to_first_token_seconds", "Time from request acceptance to its first generated token.",
            new HistogramConfiguration { Buckets = TtftBounds });
        _itl = f.CreateHistogram("engine_inter_token_latency_seconds", "Time between consecutive output chunks of one choice.",
            new HistogramConfiguration { Buckets = TpotBounds });

        _vllmRunning = f.CreateGauge("vllm_num_requests_running", "Number of requests currently running on GPU.", ModelLabel);
        _vllmWaiting = f.CreateGauge("vllm_num_requests_waiting", "Number of requests waiting to be processed.", ModelLabel);
        _vllmCacheUsage = f.CreateGauge("vllm_gpu_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", ModelLabel);
        _vllmPromptTokens = f.CreateCounter("vllm_prompt_tokens_total", "Number of prefill tokens processed.", ModelLabel);
        _vllmGenerationTokens = f.CreateCounter("vllm_generation_tokens_total", "Number of generation tokens processed.", ModelLabel);
        _vllmTtft = f.CreateHistogram("vllm_time_to_first_token_seconds", "Histogram of time to first token in seconds.",
            new HistogramConfiguration { Buckets = TtftBounds, LabelNames = ModelLabel });
        _vllmTpot = f.CreateHistogram("vllm_time_per_output_token_seconds", "Histogram of time per output token in seconds.",
            new HistogramConfiguration { Buckets = TpotBounds, LabelNames = ModelLabel });
        _vllmE2e = f.CreateHistogram("vllm_e2e_request_latency_seconds", "Histogram of end to end request latency in seconds.",
            new HistogramConfiguration { Buckets = E2eBounds, LabelNames = ModelLabel });
    }

    public void RecordRequest(int status) => _requests.WithLabels(status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();

    public void RecordRejection(LimitKind kind) => _rejections.WithLabels(Reason(kind)).Inc();

    /// <summary>The series of one model, looked up once per request so the per-token updates allocate nothing.</summary>
    public ModelSeries For(string model) => _models.GetOrAdd(model, m => new ModelSeries(
        _promptTokens, _generationTokens, _ttft, _itl,
        _vllmPromptTokens.WithLabels(m), _vllmGenerationTokens.WithLabels(m), _vllmTtft.WithLabels(m), _vllmTpot.WithLabels(m), _vllmE2e.WithLabels(m)));

    /// <summary>
    /// Writes the Prometheus text exposition (format 0.0.4). The engine gauges are engine-wide; their
    /// <c>model_name</c> is <paramref name="modelName"/> (vLLM serves one model per server, and so does a replica here).
    /// </summary>
    public async Task WriteAsync(Stream output, EngineStats stats, string modelName, CancellationToken cancellationToken)
    {
        _running.Set(stats.Running);
        _waiting.Set(stats.Waiting);
        _kvUsed.Set(stats.KvBlocksUsed);
        _kvTotal.Set(stats.KvBlocksTotal);
        _prefixQueries.IncTo(stats.PrefixCacheQueryTokens);
        _prefixHits.IncTo(stats.PrefixCacheHitTokens);
        _vllmRunning.WithLabels(modelName).Set(stats.Running);
        _vllmWaiting.WithLabels(modelName).Set(stats.Waiting);
        _vllmCacheUsage.WithLabels(modelName).Set(stats.KvBlocksTotal == 0 ? 0 : (double)stats.KvBlocksUsed / stats.KvBlocksTotal);
        using var text = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(text, cancellationToken).ConfigureAwait(false);
        var renamed = System.Text.Encoding.UTF8.GetBytes(VllmNames.Rename(System.Text.Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length)));
        await output.WriteAsync(renamed, cancellationToken).ConfigureAwait(false);
    }

    private static string Reason(LimitKind kind) => kind.ToString().ToLowerInvariant();
}
