using Prometheus;

namespace Server.Metrics;

/// <summary>
/// The per-request series of one model: each update goes to our unlabelled <c>engine_*</c> series and to vLLM's
/// <c>model_name</c>-labelled one. Cached per model by <see cref="ServerMetrics.For"/>.
/// </summary>
public sealed class ModelSeries
{
    private readonly Counter _promptTokens;
    private readonly Counter _generationTokens;
    private readonly Histogram _ttft;
    private readonly Histogram _itl;
    private readonly Counter.Child _vllmPromptTokens;
    private readonly Counter.Child _vllmGenerationTokens;
    private readonly Histogram.Child _vllmTtft;
    private readonly Histogram.Child _vllmTpot;
    private readonly Histogram.Child _vllmE2e;

    internal ModelSeries(Counter promptTokens, Counter generationTokens, Histogram ttft, Histogram itl, Counter.Child vllmPromptTokens,
        Counter.Child vllmGenerationTokens, Histogram.Child vllmTtft, Histogram.Child vllmTpot, Histogram.Child vllmE2e)
    {
        (_promptTokens, _generationTokens, _ttft, _itl) = (promptTokens, generationTokens, ttft, itl);
        (_vllmPromptTokens, _vllmGenerationTokens, _vllmTtft, _vllmTpot, _vllmE2e) = (vllmPromptTokens, vllmGenerationTokens, vllmTtft, vllmTpot, vllmE2e);
    }

    public void AddPromptTokens(int n)
    {
        _promptTokens.Inc(n);
        _vllmPromptTokens.Inc(n);
    }

    public void AddGenerationTokens(int n)
    {
        _generationTokens.Inc(n);
        _vllmGenerationTokens.Inc(n);
    }

    /// <summary>From acceptance to the first generated token.</summary>
    public void ObserveTimeToFirstToken(double seconds)
    {
        _ttft.Observe(seconds);
        _vllmTtft.Observe(seconds);
    }

    /// <summary>Between consecutive output chunks of one choice (vLLM: time per output token).</summary>
    public void ObserveInterToken(double seconds)
    {
        _itl.Observe(seconds);
        _vllmTpot.Observe(seconds);
    }

    /// <summary>From acceptance to the last token of a finished request.</summary>
    public void ObserveEndToEnd(double seconds) => _vllmE2e.Observe(seconds);
}
