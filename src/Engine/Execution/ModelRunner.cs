using Engine.Backends;
using Engine.KvCache;
using Engine.Lora;
using Engine.Model;
using Engine.Output;
using Engine.Sampling;
using Engine.Scheduling;

namespace Engine.Execution;

/// <summary>
/// Executes a <see cref="SchedulerOutput"/>: flattens it into the <see cref="ForwardBatch"/> (tokens, positions,
/// slot mapping, block tables), runs the model, and samples (each request with its own seeded <see cref="SequenceSampler"/>,
/// in parallel over requests through a <see cref="BatchSampler"/>) the requests whose last known token was computed.
/// It makes no policy decisions. Buffers are allocated once at the largest batch; logit rows (prompt logprobs may ask
/// for a whole chunk's) are computed, reported and sampled in windows, so the host logits buffer stays bounded: MaxBatchSeqs
/// rows, widened (up to the model's MaxLogitRows) when prompt logprobs ask for more rows, because every
/// window re-reads the whole classifier matrix (8-row windows doubled the cost of a 256-token prefill at vocab 32k).
/// </summary>
public sealed class ModelRunner
{
    private readonly LlamaModel _model;
    private readonly KvCacheManager _kv;
    private readonly IDeviceKvCache _cache;
    private readonly ForwardBatch _batch;
    private readonly int[] _logitRowOf;
    private readonly int[] _promptRowOf;
    private float[] _logits;
    private readonly BatchSampler _sampler;
    private readonly DeviceStepSampler? _deviceSampler;
    private PromptLogprobCalculator? _promptLogprobs;
    private readonly ModelRunnerOutput _output;
    private readonly LoraMergeCache? _loraMerges;

    /// <param name="loraMerges">Builds merged LoRA weights for steps the scheduler runs merged; null when none may.</param>
    /// <param name="sampler">Samples each step's requests; null samples them one after another on the calling thread.</param>
    /// <param name="deviceSampler">Samples on the backend the windows it can (see <see cref="DeviceStepSampler"/>); null samples every window on the host.</param>
    public ModelRunner(LlamaModel model, KvCacheManager kv, IDeviceKvCache cache, LoraMergeCache? loraMerges = null, BatchSampler? sampler = null,
        DeviceStepSampler? deviceSampler = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _sampler = sampler ?? new BatchSampler(model.Config.VocabSize, pool: null);
        _deviceSampler = deviceSampler;
        _model = model;
        _loraMerges = loraMerges;
        _kv = kv;
        _cache = cache;
        var maxBlocksPerSeq = kv.BlocksFor(model.Config.MaxContext + 1);
        _batch = new ForwardBatch(model.MaxBatchTokens, model.MaxBatchSeqs, maxBlocksPerSeq, kv.BlockSize);
        _logits = new float[model.MaxBatchSeqs * model.Config.VocabSize];
        _logitRowOf = new int[model.MaxBatchSeqs];
        _promptRowOf = new int[model.MaxBatchSeqs];
        _output = new ModelRunnerOutput(model.MaxBatchSeqs);
    }

    /// <summary>How the last step really ran its adapters: the scheduler's mode, or unmerged while its merge is in flight.</summary>
    public LoraExecutionMode LastLoraMode { get; private set; }

    /// <summary>The device-side sampler of the windows it can take, if any.</summary>
    internal DeviceStepSampler? DeviceSampler => _deviceSampler;

    /// <summary>The merged-weights cache this runner uses, if any.</summary>
    internal LoraMergeCache? LoraMerges => _loraMerges;

    /// <summary>Rows of vocabulary width the host logits buffer holds: MaxBatchSeqs, up to the prompt window once prompt logprobs asked for more.</summary>
    internal int LogitsCapacityRows => _logits.Length / _model.Config.VocabSize;

    public ModelRunnerOutput Execute(SchedulerOutput scheduled)
    {
        var batch = _batch;
        batch.Clear();
        var requests = scheduled.Scheduled;
        // The scheduler chose the LoRA mode; make the weights match it. Merged: every row runs the merged copy and
        // selects no adapter. Unmerged: base weights, each row its own adapter × multiplier. Base: base weights.
        // A merged pair still being merged in the background runs unmerged (same outputs within the merge tolerance)
        // until the first step after its merge finished: the switch happens here, between steps.
        var lora = scheduled.Lora;
        _model.MergedLora = lora.Mode == LoraExecutionMode.Merged ? MergedWeights(lora) : null;
        var unmerged = lora.Mode == LoraExecutionMode.Unmerged || (lora.Mode == LoraExecutionMode.Merged && _model.MergedLora is null);
        LastLoraMode = unmerged ? LoraExecutionMode.Unmerged : lora.Mode;
        for (var i = 0; i < requests.Count; i++)
        {
            var (request, n) = requests[i];
            var start = request.NumComputedTokens;
            var samples = start + n == request.NumTokens;
            // prompt logprobs (opt-in): every row of the chunk, while rows predicting prompt tokens remain unreported
            var wantsPrompt = request.NumPromptLogprobs >= 0 && request.NumOutputTokens == 0 && start < request.NumPromptTokens - 1;
            var seq = batch.AddSequence(request.AllTokenIds.Slice(start, n), start, _kv.GetTable(request.Id.Value).AsSpan(), samples && !wantsPrompt,
                unmerged ? request.LoraId : -1, unmerged ? request.LoraMultiplier : 0);
            _promptRowOf[i] = wantsPrompt ? batch.AddAllLogitRows(seq) : -1;
            _logitRowOf[i] = !samples ? -1 : wantsPrompt ? _promptRowOf[i] + n - 1 : batch.NumLogits - 1;
        }
        // copy-on-write of blocks shared by forked beams, before any of this step's keys and values are stored
        foreach (var copy in scheduled.BlockCopies)
        {
            _cache.CopyBlock(copy.Source, copy.Destination);
        }
        _model.ForwardLayers(batch, _cache);

        // Window by window: logits, then prompt logprobs of the raw rows, then sampling (which may overwrite its rows).
        // The sampler is seeded by (seed, choice, step), so a draw depends neither on the batch nor on the window.
        _output.Reset(requests.Count);
        var vocab = _model.Config.VocabSize;
        if (batch.NumLogits > LogitsCapacityRows)
        {
            WidenForPromptRows(batch.NumLogits);
        }
        var window = LogitsCapacityRows;
        var promptRows = _promptRowOf.AsSpan(0, requests.Count).IndexOfAnyInRange(0, int.MaxValue) >= 0;
        for (var first = 0; first < batch.NumLogits; first += window)
        {
            var count = Math.Min(window, batch.NumLogits - first);
            if (_deviceSampler is { } device && device.Plan(requests, _logitRowOf, promptRows, first, count))
            {
                // logits stay on the backend: only the tokens (and the logprobs asked for) come back
                device.Sample(requests, _model.ComputeDeviceLogits(batch, first, count), count, _output);
                continue;
            }
            _model.ComputeLogits(batch, first, count, _logits.AsSpan(0, count * vocab));
            for (var i = 0; i < requests.Count; i++)
            {
                if (_promptRowOf[i] >= 0)
                {
                    try
                    {
                        ReportPromptLogprobs(requests[i].Request, requests[i].NumTokens, _promptRowOf[i], first, count);
                    }
#pragma warning disable CA1031 // fails this request alone (see BatchSampler); the forward and the other rows are fine
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        _output.Fail(i, e);
                    }
                }
            }
            _sampler.Sample(requests, _logitRowOf, first, count, _logits, _output);
            _deviceSampler?.AppendHostTokens(requests, _logitRowOf, first, count, _output);
        }
        return _output;
    }

    // Row r of the chunk sits at position start + r and predicts prompt token start + r + 1 (§10: raw log_softmax);
    // Grows (at least doubling, so a few times per runner at most) and never past the prompt window; never shrinks.
    private void WidenForPromptRows(int rows)
    {
        var wanted = Math.Min(Math.Max(rows, 2 * LogitsCapacityRows), _model.MaxLogitRows);
        if (wanted > LogitsCapacityRows)
        {
            _logits = new float[wanted * _model.Config.VocabSize];
        }
    }

    // only the rows inside the window [windowFirst, windowFirst + windowCount) are in the buffer now.
    private void ReportPromptLogprobs(Request request, int n, int firstRow, int windowFirst, int windowCount)
    {
        var vocab = _model.Config.VocabSize;
        var start = request.NumComputedTokens;
        var prompt = request.PromptTokenIds;
        var entries = request.PromptLogprobs ??= new PromptLogprob?[prompt.Length];
        _promptLogprobs ??= new PromptLogprobCalculator(vocab);
        var end = Math.Min(n, windowFirst + windowCount - firstRow);
        for (var r = Math.Max(0, windowFirst - firstRow); r < end && start + r + 1 < prompt.Length; r++)
        {
            var logits = _logits.AsSpan((firstRow + r - windowFirst) * vocab, vocab);
            entries[start + r + 1] = _promptLogprobs.Compute(logits, prompt[start + r + 1], request.NumPromptLogprobs);
        }
    }

    private LoraMergedWeights? MergedWeights(LoraExecution lora) => _loraMerges is { } merges
        ? merges.TryGet(lora.AdapterId, lora.Multiplier)
        : throw new InvalidOperationException("The scheduler chose merged LoRA weights but the runner has no LoraMergeCache.");
}
