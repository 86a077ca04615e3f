using System.Diagnostics.CodeAnalysis;
using Engine.Backends;
using Engine.Execution;
using Engine.Lora;
using Loader.Adapters;

namespace Engine.Model;

/// <summary>
/// The Llama-family decoder (Llama, Mistral, Qwen2, Qwen3) written once against <see cref="IBackend"/>: weights
/// uploaded at construction, a workspace sized for the largest batch, and <see cref="Forward"/> running one
/// <see cref="ForwardBatch"/> (any mix of prompt chunks and decode tokens) over the paged KV cache.
/// </summary>
public sealed class LlamaModel
{
    private readonly IBackend _backend;
    private readonly DeviceLayer[] _layers;
    private readonly IDeviceWeight _tokenEmbedding;
    private readonly IDeviceWeight _finalNorm;
    private readonly IDeviceWeight _classifier;
    private readonly IDeviceRopeTable _rope;
    private readonly Workspace _ws;
    private readonly LoraAdapterSet? _adapters;

    /// <param name="adapters">LoRA adapters that batch sequences may select (unmerged); null for none.</param>
    /// <param name="maxLogitRows">Rows one <see cref="ComputeLogits"/> may compute (at least maxBatchSeqs; more lets prompt
    /// logprobs read the classifier once per that many prompt rows); 0 = maxBatchSeqs.</param>
    public LlamaModel(ModelConfig config, LlamaWeights weights, IBackend backend, int maxBatchTokens, int maxBatchSeqs, LoraAdapterSet? adapters = null,
        int maxLogitRows = 0)
    {
        config.Validate();
        Config = config;
        _backend = backend;
        MaxBatchTokens = maxBatchTokens;
        MaxBatchSeqs = maxBatchSeqs;
        MaxLogitRows = Math.Max(maxBatchSeqs, maxLogitRows);
        _tokenEmbedding = backend.LoadWeight(weights.TokenEmbedding);
        _classifier = ReferenceEquals(weights.Classifier, weights.TokenEmbedding) ? _tokenEmbedding : backend.LoadWeight(weights.Classifier);
        _finalNorm = backend.LoadWeight(weights.FinalNorm);
        _layers = weights.Layers.Select(l => new DeviceLayer(backend, l)).ToArray();
        var (invFreq, attentionScale) = RopeFrequencies.Compute(config);
        _rope = backend.CreateRopeTable(invFreq, attentionScale, config.MaxContext);
        _adapters = adapters;
        _ws = new Workspace(backend, config, maxBatchTokens, MaxLogitRows, adapters?.MaxRank ?? 0);
    }

    public ModelConfig Config { get; }

    public int MaxBatchTokens { get; }

    public int MaxBatchSeqs { get; }

    /// <summary>Most rows one <see cref="ComputeLogits"/> computes.</summary>
    public int MaxLogitRows { get; }

    /// <summary>
    /// The merged LoRA weights the next <see cref="Forward"/> runs in place of the base projections they adapt, or
    /// null for the base weights (unmerged: exact, the base objects are never written). Set by the model runner as
    /// the scheduler's <see cref="LoraExecution"/> says; batch rows must then select no adapter.
    /// </summary>
    public LoraMergedWeights? MergedLora { get; set; }

    /// <summary>Allocates a KV cache for this model on its backend.</summary>
    public IDeviceKvCache AllocateKvCache(int numBlocks, int blockSize) =>
        _backend.AllocateKvCache(Config.NumLayers, numBlocks, blockSize, Config.NumKvHeads, Config.HeadDim);

    /// <summary>
    /// Runs every layer on <paramref name="batch"/>, writing each new token's key and value to its slot, and
    /// copies the logits of the rows in <c>batch.LogitsIndices</c> to <paramref name="logits"/> (NumLogits, vocab; may
    /// be more rows than <see cref="MaxLogitRows"/>, computed in windows of that many).
    /// Rows of a sequence with a LoRA adapter get <c>scale · multiplier · (x Aᵀ) Bᵀ</c> added after each projection
    /// the adapter targets; a batch without adapted rows runs no LoRA op.
    /// </summary>
    public void Forward(ForwardBatch batch, IDeviceKvCache cache, Span<float> logits)
    {
        ForwardLayers(batch, cache);
        var m = batch.NumLogits;
        for (var first = 0; first < m; first += MaxLogitRows)
        {
            var count = Math.Min(MaxLogitRows, m - first);
            ComputeLogits(batch, first, count, logits.Slice(first * Config.VocabSize, count * Config.VocabSize));
        }
    }

    /// <summary>
    /// The layers of <see cref="Forward"/> without the classifier: writes each new token's key and value and leaves the
    /// final-normed hidden states on the device for <see cref="ComputeLogits"/> (valid until the next forward).
    /// </summary>
    public void ForwardLayers(ForwardBatch batch, IDeviceKvCache cache)
    {
        var c = Config;
        var b = _backend;
        var ws = _ws;
        var n = batch.NumTokens;
        var merged = MergedLora;
        b.BeginStep(batch);

        // x = token_embedding[tokens]; xb = rmsnorm(x) ⊙ rms_att[0]
        b.Embedding(_tokenEmbedding, batch, ws.X);
        b.RmsNorm(ws.X, _layers[0].AttentionNorm, c.NormEps, ws.Xb, n);

        for (var l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];

            // q, k, v projections in one pass (+ Qwen2 bias, Qwen3 per-head norm), then RoPE
            b.MatMul(ws.Xb, n,
                new(Weight(merged, l, LoraProjection.Q, layer.Wq), layer.Bq, ws.Q),
                new(Weight(merged, l, LoraProjection.K, layer.Wk), layer.Bk, ws.K),
                new(Weight(merged, l, LoraProjection.V, layer.Wv), layer.Bv, ws.V));
            if (batch.NumLoraSegments > 0)
            {
                ApplyLora(batch, l, LoraProjection.Q, ws.Xb, ws.Q);
                ApplyLora(batch, l, LoraProjection.K, ws.Xb, ws.K);
                ApplyLora(batch, l, LoraProjection.V, ws.Xb, ws.V);
            }
            if (layer.QNorm is not null)
            {
                b.HeadRmsNorm(ws.Q, layer.QNorm, c.NormEps, n);
                b.HeadRmsNorm(ws.K, layer.KNorm!, c.NormEps, n);
            }
            b.Rope(ws.Q, ws.K, _rope, batch, c.HeadDim);

            // cache k, v at their slots; attend over each sequence's blocks; x += wo · heads
            b.StoreKv(ws.K, ws.V, cache, l, batch);
            b.PagedAttention(ws.Q, cache, l, batch, c.NumHeads, ws.Attention);
            b.MatMul(ws.Attention, Weight(merged, l, LoraProjection.O, layer.Wo), null, ws.Delta, n);
            if (batch.NumLoraSegments > 0)
            {
                ApplyLora(batch, l, LoraProjection.O, ws.Attention, ws.Delta);
            }
            b.AddRmsNorm(ws.X, ws.Delta, layer.FfnNorm, c.NormEps, ws.Xb, n);

            // x += w2 · (silu(w1 · xb) ⊙ (w3 · xb)), w1 and w3 in one pass, fused with the next norm (the final norm
            // after the last layer)
            b.MatMul(ws.Xb, n,
                new(Weight(merged, l, LoraProjection.Gate, layer.W1), null, ws.Hb),
                new(Weight(merged, l, LoraProjection.Up, layer.W3), null, ws.Hb2));
            if (batch.NumLoraSegments > 0)
            {
                ApplyLora(batch, l, LoraProjection.Gate, ws.Xb, ws.Hb);
                ApplyLora(batch, l, LoraProjection.Up, ws.Xb, ws.Hb2);
            }
            b.SwiGlu(ws.Hb, ws.Hb2, n);
            b.MatMul(ws.Hb, Weight(merged, l, LoraProjection.Down, layer.W2), null, ws.Delta, n);
            if (batch.NumLoraSegments > 0)
            {
                ApplyLora(batch, l, LoraProjection.Down, ws.Hb, ws.Delta);
            }
            var nextNorm = l + 1 < _layers.Length ? _layers[l + 1].AttentionNorm : _finalNorm;
            b.AddRmsNorm(ws.X, ws.Delta, nextNorm, c.NormEps, ws.Xb, n);
        }

    }

    /// <summary>
    /// logits = wcls · xb for logit rows <paramref name="first"/> .. first + count − 1 of <c>batch.LogitsIndices</c>
    /// (the rows that sample, and every prompt row of a request with prompt logprobs) after <see cref="ForwardLayers"/>;
    /// <paramref name="count"/> is at most <see cref="MaxLogitRows"/>, <paramref name="logits"/> holds count × vocab.
    /// </summary>
    public void ComputeLogits(ForwardBatch batch, int first, int count, Span<float> logits) =>
        _backend.CopyToHost(ComputeDeviceLogits(batch, first, count), count, logits[..(count * Config.VocabSize)]);

    /// <summary>
    /// <see cref="ComputeLogits"/> without the copy: the (count, vocab) logits stay in the returned backend buffer
    /// (valid until the next call) for a sampler that runs there.
    /// </summary>
    public IDeviceBuffer ComputeDeviceLogits(ForwardBatch batch, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxLogitRows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, batch.NumLogits);
        var ws = _ws;
        _backend.GatherLogitRows(ws.Xb, batch, first, count, ws.LastRows);
        _backend.MatMul(ws.LastRows, _classifier, null, ws.Logits, count);
        return ws.Logits;
    }

    // the merged copy of (layer, projection) when a merged adapter adapts it, else the base weight
    private static IDeviceWeight Weight(LoraMergedWeights? merged, int layer, LoraProjection projection, IDeviceWeight baseWeight) =>
        merged is null ? baseWeight : merged.Select(layer, projection, baseWeight);

    // y[r] += scale · m_r · (x[r] Aᵀ) Bᵀ for the rows of each adapter segment that adapts this projection
    // (punica's SGMV: shrink to rank, then expand and accumulate).
    private void ApplyLora(ForwardBatch batch, int layer, LoraProjection projection, IDeviceBuffer x, IDeviceBuffer y)
    {
        if (_adapters is null)
        {
            ThrowNoAdapters();
        }
        var segments = batch.LoraSegments;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if ((uint)segment.AdapterId >= (uint)_adapters.Count)
            {
                ThrowUnknownAdapter(segment.AdapterId, _adapters.Count);
            }
            var module = _adapters.Get(segment.AdapterId, layer, projection);
            if (module is null)
            {
                continue;
            }
            _backend.LoraShrink(x, module.A, _ws.LoraShrunk!, segment.RowStart, segment.RowEnd);
            _backend.LoraExpand(_ws.LoraShrunk!, module.BTransposed, module.Scale, batch, y, segment.RowStart, segment.RowEnd);
        }
    }

    [DoesNotReturn]
    private static void ThrowNoAdapters() =>
        throw new InvalidOperationException("The batch selects a LoRA adapter but the model was built without a LoraAdapterSet.");

    [DoesNotReturn]
    private static void ThrowUnknownAdapter(int id, int count) =>
        throw new InvalidOperationException($"The batch selects LoRA adapter {id}, but only {count} adapters are loaded.");

    private sealed class DeviceLayer(IBackend b, LayerWeights w)
    {
        public IDeviceWeight AttentionNorm { get; } = b.LoadWeight(w.AttentionNorm);
        public IDeviceWeight Wq { get; } = b.LoadWeight(w.Wq);
        public IDeviceWeight Wk { get; } = b.LoadWeight(w.Wk);
        public IDeviceWeight Wv { get; } = b.LoadWeight(w.Wv);
        public IDeviceWeight Wo { get; } = b.LoadWeight(w.Wo);
        public IDeviceWeight? Bq { get; } = w.Bq is null ? null : b.LoadWeight(w.Bq);
        public IDeviceWeight? Bk { get; } = w.Bk is null ? null : b.LoadWeight(w.Bk);
        public IDeviceWeight? Bv { get; } = w.Bv is null ? null : b.LoadWeight(w.Bv);
        public IDeviceWeight? QNorm { get; } = w.QNorm is null ? null : b.LoadWeight(w.QNorm);
        public IDeviceWeight? KNorm { get; } = w.KNorm is null ? null : b.LoadWeight(w.KNorm);
        public IDeviceWeight FfnNorm { get; } = b.LoadWeight(w.FfnNorm);
        public IDeviceWeight W1 { get; } = b.LoadWeight(w.W1);
        public IDeviceWeight W2 { get; } = b.LoadWeight(w.W2);
        public IDeviceWeight W3 { get; } = b.LoadWeight(w.W3);
    }

    // llama2.c's RunState: every activation buffer, allocated once at the largest batch.
    private sealed class Workspace(IBackend b, ModelConfig c, int maxTokens, int maxLogitRows, int maxLoraRank)
    {
        public IDeviceBuffer X { get; } = b.AllocateBuffer(maxTokens, c.Dim);            // residual stream
        public IDeviceBuffer Xb { get; } = b.AllocateBuffer(maxTokens, c.Dim);           // normed residual
        public IDeviceBuffer Q { get; } = b.AllocateBuffer(maxTokens, c.QDim);
        public IDeviceBuffer K { get; } = b.AllocateBuffer(maxTokens, c.KvDim);
        public IDeviceBuffer V { get; } = b.AllocateBuffer(maxTokens, c.KvDim);
        public IDeviceBuffer Attention { get; } = b.AllocateBuffer(maxTokens, c.QDim);   // concatenated head outputs
        public IDeviceBuffer Delta { get; } = b.AllocateBuffer(maxTokens, c.Dim);        // branch output added to x
        public IDeviceBuffer Hb { get; } = b.AllocateBuffer(maxTokens, c.HiddenDim);     // gate, then silu(gate) ⊙ up
        public IDeviceBuffer Hb2 { get; } = b.AllocateBuffer(maxTokens, c.HiddenDim);    // up
        public IDeviceBuffer LastRows { get; } = b.AllocateBuffer(maxLogitRows, c.Dim);
        public IDeviceBuffer Logits { get; } = b.AllocateBuffer(maxLogitRows, c.VocabSize);
        public IDeviceBuffer? LoraShrunk { get; } = maxLoraRank == 0 ? null : b.AllocateBuffer(maxTokens, maxLoraRank); // x Aᵀ
    }
}
