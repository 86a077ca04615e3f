using Engine.Backends.Cuda.Gemm;
using Engine.Backends.Cuda.Lora;
using Engine.Execution;
using Engine.Model;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Kernels;

namespace Engine.Backends.Cuda;

/// <summary>
/// The GPU backend: every op of the forward pass is one or two ILGPU kernels launched on one non-blocking stream.
/// Weights stay in their checkpoint dtype in device memory, activations are float32, the KV cache is float32,
/// bf16 or f16. <see cref="BeginStep"/> uploads the step's metadata in one asynchronous copy and
/// <see cref="CopyToHost"/> (the logits) is the step's only synchronisation. On ILGPU's CPU accelerator the same
/// code runs as the "check" device, so CI runs the GPU path end to end. Index checks happen on the host before
/// each launch (a bad index would abort the CPU accelerator's process, or fault the CUDA context).
/// </summary>
public sealed class CudaBackend : IBackend, IDeviceSamplingBackend
{
    private readonly KernelContext _context;
    private readonly bool _ownsContext;
    private readonly AcceleratorStream _stream;
    private readonly Lock _weightsLock = new();
    private readonly List<CudaWeight> _weights = [];
    private readonly List<IDisposable> _owned = [];
    private CudaStepMetadata? _step;
    private ForwardBatch? _batch;
    private Attention.AttentionStep _attentionStep;
    private Attention.PagedAttentionKernels? _attention;
    // split-K partial sums of the GEMM, at the most any plan needs on this device (a few MB): allocated once, so
    // no step allocates and a captured graph's addresses stay valid
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _gemmPartials;
    // an upload's staging array may be rewritten only once the stream has passed the copy
    private bool _pendingUpload;
    private long _uploadedBytes;
    private int _reportedTenth;

    /// <param name="context">The accelerator (CUDA, or the CPU accelerator for the check device).</param>
    /// <param name="ownsContext">Whether <see cref="Dispose"/> disposes <paramref name="context"/>.</param>
    /// <param name="kvCacheDType">Element type of the KV cache: F32, BF16 or F16.</param>
    public CudaBackend(KernelContext context, bool ownsContext = false, DType kvCacheDType = DType.F32)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _ownsContext = ownsContext;
        KvCacheDType = kvCacheDType;
        _stream = context.CreateStream();
        _gemmPartials = context.Accelerator.Allocate1D<float>(TensorCoreGemm.MaxPartials(context.Accelerator.NumMultiprocessors));
    }

    /// <summary>
    /// Whether products of more than <see cref="Gemv.MaxRows"/> rows with bf16/f16 weights run on the tensor cores
    /// (x rounded to the weights' type, as vLLM's activations are); false keeps every product on the float32
    /// GEMV, for comparisons.
    /// </summary>
    public bool UseTensorCoreGemm { get; init; } = true;

    public string Name => _context.IsCuda
        ? $"cuda ({_context.Accelerator.Name}, KV cache {KvCacheDType})"
        : $"check (the CUDA backend's kernels on ILGPU's CPU accelerator, KV cache {KvCacheDType})";

    public KernelContext Context => _context;

    public DType KvCacheDType { get; }

    /// <summary>Where weight uploads report progress (a line per tenth of <see cref="ExpectedWeightBytes"/>); null for none.</summary>
    public TextWriter? Progress { get; set; }

    /// <summary>The weight bytes the model will upload, for <see cref="Progress"/>.</summary>
    public long ExpectedWeightBytes { get; set; }

    /// <summary>Checkpoint bytes of the weights uploaded and not released.</summary>
    public long WeightBytes { get; private set; }

    /// <summary>Weights loaded and not yet released.</summary>
    internal int NumWeights => _weights.Count;

    /// <summary>Free and total device memory (cuMemGetInfo); null on the CPU accelerator.</summary>
    public (long Free, long Total)? DeviceMemory()
    {
        if (_context.Accelerator is not CudaAccelerator)
        {
            return null;
        }
        _context.Accelerator.Bind();
        CudaException.ThrowIfFailed(CudaAPI.CurrentAPI.GetMemoryInfo(out long free, out long total));
        return (free, total);
    }

    public IDeviceWeight LoadWeight(WeightTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        // merged LoRA copies are uploaded from a background thread: bind the context there too
        _context.Accelerator.Bind();
        var weight = new CudaWeight(_context.Accelerator, tensor);
        lock (_weightsLock)
        {
            _weights.Add(weight);
            WeightBytes += weight.Bytes;
            _uploadedBytes += weight.Bytes;
            ReportProgress();
        }
        return weight;
    }

    private void ReportProgress()
    {
        if (Progress is null || ExpectedWeightBytes <= 0)
        {
            return;
        }
        var tenth = (int)Math.Min(10, _uploadedBytes * 10 / ExpectedWeightBytes);
        if (tenth > _reportedTenth)
        {
            _reportedTenth = tenth;
            Progress.WriteLine($"weights: {_uploadedBytes / (1 << 20)} / {ExpectedWeightBytes / (1 << 20)} MiB on {_context.Name} ({tenth * 10}%)");
        }
    }

    public void ReleaseWeight(IDeviceWeight weight)
    {
        if (weight is not CudaWeight cuda)
        {
            return;
        }
        lock (_weightsLock)
        {
            if (!_weights.Remove(cuda))
            {
                return;
            }
            WeightBytes -= cuda.Bytes;
        }
        // a step may still read it: wait for the stream first
        _stream.Synchronize();
        cuda.Dispose();
    }

    public IDeviceBuffer AllocateBuffer(int maxRows, int cols) => Own(new CudaBuffer(_context.Accelerator, maxRows, cols));

    public IDeviceKvCache AllocateKvCache(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim)
    {
        if (headDim > NaivePagedAttention.MaxHeadDim)
        {
            throw new NotSupportedException($"The CUDA backend's attention takes head_dim up to {NaivePagedAttention.MaxHeadDim}; the model has {headDim}.");
        }
        return Own(new CudaKvCache(_context, _stream, KvCacheDType, numLayers, numBlocks, blockSize, numKvHeads, headDim));
    }

    public IDeviceRopeTable CreateRopeTable(ReadOnlySpan<double> invFreq, double attentionScale, int maxPositions) =>
        Own(new CudaRopeTable(_context.Accelerator, invFreq, attentionScale, maxPositions));

    private T Own<T>(T resource)
        where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    public void BeginStep(ForwardBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _context.Accelerator.Bind();
        if (_step is null || !_step.Fits(batch))
        {
            _stream.Synchronize();
            _step?.Dispose();
            _step = new CudaStepMetadata(_context.Accelerator, batch);
            _pendingUpload = false;
        }
        if (_pendingUpload)
        {
            // the last step ended without a copy to the host (no logits): its upload may still read the staging array
            _stream.Synchronize();
        }
        _step.Upload(batch, _stream);
        _pendingUpload = true;
        _batch = batch;
        _attentionStep = Attention.AttentionStep.From(batch);
    }

    private CudaStepMetadata Step(ForwardBatch batch)
    {
        if (_step is null || !ReferenceEquals(batch, _batch))
        {
            throw new InvalidOperationException("CudaBackend: call BeginStep with this batch before its ops.");
        }
        return _step;
    }

    public void Embedding(IDeviceWeight table, ForwardBatch batch, IDeviceBuffer x)
    {
        var w = (CudaWeight)table;
        var output = (CudaBuffer)x;
        var step = Step(batch);
        var tokens = step.Slice(step.TokenIds, batch.NumTokens);
        switch (w.DType)
        {
            case DType.F32:
                EmbeddingGather.LaunchF32(_context, _stream, w.Floats, w.Rows, w.Cols, tokens, batch.TokenIds, output.View);
                break;
            case DType.BF16:
                EmbeddingGather.LaunchBf16(_context, _stream, w.Halves.Cast<Kernels.Language.BFloat16>(), w.Rows, w.Cols, tokens, batch.TokenIds, output.View);
                break;
            default:
                EmbeddingGather.LaunchF16(_context, _stream, w.Halves.Cast<ILGPU.Half>(), w.Rows, w.Cols, tokens, batch.TokenIds, output.View);
                break;
        }
    }

    public void RmsNorm(IDeviceBuffer x, IDeviceWeight weight, float eps, IDeviceBuffer output, int rows)
    {
        var input = (CudaBuffer)x;
        Cuda.RmsNorm.Launch(_context, _stream, input.View, ((CudaWeight)weight).Floats, ((CudaBuffer)output).View, rows, input.Cols, eps);
    }

    public void AddRmsNorm(IDeviceBuffer x, IDeviceBuffer delta, IDeviceWeight weight, float eps, IDeviceBuffer output, int rows)
    {
        var input = (CudaBuffer)x;
        Cuda.AddRmsNorm.Launch(_context, _stream, input.View, ((CudaBuffer)delta).View, ((CudaWeight)weight).Floats, ((CudaBuffer)output).View, rows, input.Cols, eps);
    }

    // Qwen3's q/k norm: RMSNorm over rows = tokens · heads of head_dim each, in place
    public void HeadRmsNorm(IDeviceBuffer x, IDeviceWeight weight, float eps, int rows)
    {
        var buffer = (CudaBuffer)x;
        var w = (CudaWeight)weight;
        if (w.Cols <= 0 || buffer.Cols % w.Cols != 0)
        {
            throw new ArgumentException($"HeadRmsNorm: weight '{w.Name}' of {w.Cols} does not divide rows of {buffer.Cols}.");
        }
        var heads = buffer.Cols / w.Cols;
        Cuda.RmsNorm.Launch(_context, _stream, buffer.View, w.Floats, buffer.View, rows * heads, w.Cols, eps);
    }

    public void MatMul(IDeviceBuffer input, IDeviceWeight weight, IDeviceWeight? bias, IDeviceBuffer output, int rows) =>
        RunMatMul((CudaBuffer)input, (CudaWeight)weight, (CudaWeight?)bias, (CudaBuffer)output, rows);

    public void MatMul(IDeviceBuffer input, int rows, MatMulTarget first, MatMulTarget second, MatMulTarget third = default)
    {
        var x = (CudaBuffer)input;
        RunMatMul(x, (CudaWeight)first.Weight, (CudaWeight?)first.Bias, (CudaBuffer)first.Output, rows);
        RunMatMul(x, (CudaWeight)second.Weight, (CudaWeight?)second.Bias, (CudaBuffer)second.Output, rows);
        if (third.Weight is not null)
        {
            RunMatMul(x, (CudaWeight)third.Weight, (CudaWeight?)third.Bias, (CudaBuffer)third.Output, rows);
        }
    }

    /// <summary>
    /// Every matrix product of the forward goes through here: y (rows, n) = x (rows, k) · Wᵀ (+ bias). Decode
    /// batches (up to <see cref="Gemv.MaxRows"/> rows) take the GEMV, which reads W once at the memory roofline
    /// with float32 x; more rows with bf16/f16 weights take the tensor-core GEMM, which reads W once per 32..128
    /// rows instead of once per 8; f32 weights, or k not a multiple of 8, stay on the GEMV in chunks.
    /// </summary>
    private void RunMatMul(CudaBuffer x, CudaWeight w, CudaWeight? bias, CudaBuffer y, int rows)
    {
        if (x.Cols != w.Cols || y.Cols != w.Rows || rows > x.MaxRows || rows > y.MaxRows || (bias is not null && bias.Cols != w.Rows))
        {
            throw new ArgumentException($"MatMul: weight '{w.Name}' ({w.Rows}×{w.Cols}) does not fit input rows of {x.Cols} → outputs of {y.Cols} ({rows} rows).");
        }
        if (rows == 0)
        {
            return;
        }
        var b = bias is null ? default : bias.Floats;
        if (w.DType == DType.F32)
        {
            Gemv.LaunchF32(_context, _stream, w.Global, w.Rows, w.Cols, x.View, b, y.View, rows);
        }
        else if (UseTensorCoreGemm && rows > Gemv.MaxRows && TensorCoreGemm.Supports(w.Cols, x.View, w.Halves))
        {
            var plan = TensorCoreGemm.PlanFor(rows, w.Rows, w.Cols, _context.Accelerator.NumMultiprocessors);
            TensorCoreGemm.Launch(_context, _stream, x.View, w.Halves, w.DType == DType.F16, w.Rows, w.Cols, b, y.View, rows, plan, _gemmPartials.View);
        }
        else
        {
            Gemv.LaunchHalfWidth(_context, _stream, w.Halves, w.DType == DType.F16, w.Rows, w.Cols, x.View, b, y.View, rows);
        }
    }

    public void LoraShrink(IDeviceBuffer input, IDeviceWeight a, IDeviceBuffer shrunk, int rowStart, int rowEnd)
    {
        var x = (CudaBuffer)input;
        var w = (CudaWeight)a;
        var t = (CudaBuffer)shrunk;
        if (w.DType != DType.F32 || x.Cols != w.Cols || rowEnd > x.MaxRows || rowEnd > t.MaxRows)
        {
            throw new ArgumentException($"LoraShrink: A '{w.Name}' ({w.DType}, {w.Rows}×{w.Cols}) does not fit rows of {x.Cols} into {t.Cols} (rows {rowStart}..{rowEnd}).");
        }
        SgmvShrink.Launch(_context, _stream, x.View, w.Floats, w.Rows, w.Cols, t.View, t.Cols, rowStart, rowEnd);
    }

    public void LoraExpand(IDeviceBuffer shrunk, IDeviceWeight bT, float scale, ForwardBatch batch, IDeviceBuffer output, int rowStart, int rowEnd)
    {
        var t = (CudaBuffer)shrunk;
        var w = (CudaWeight)bT;
        var y = (CudaBuffer)output;
        var step = Step(batch);
        if (w.DType != DType.F32 || y.Cols != w.Cols || rowEnd > batch.NumTokens || rowEnd > y.MaxRows)
        {
            throw new ArgumentException($"LoraExpand: Bᵀ '{w.Name}' ({w.DType}, {w.Rows}×{w.Cols}) does not fit rows of {t.Cols} into {y.Cols} (rows {rowStart}..{rowEnd} of {batch.NumTokens}).");
        }
        var multipliers = step.Slice(step.RowLoraMultipliers, batch.NumTokens).Cast<float>();
        SgmvExpand.Launch(_context, _stream, t.View, t.Cols, w.Floats, w.Rows, w.Cols, multipliers, y.View, scale, rowStart, rowEnd);
    }

    public void Rope(IDeviceBuffer q, IDeviceBuffer k, IDeviceRopeTable table, ForwardBatch batch, int headDim)
    {
        var rope = (CudaRopeTable)table;
        var step = Step(batch);
        var positions = step.Slice(step.Positions, batch.NumTokens);
        var qb = (CudaBuffer)q;
        var kb = (CudaBuffer)k;
        RotateHalfRope.Launch(_context, _stream, qb.View, batch.NumTokens, qb.Cols, headDim, positions, batch.Positions, rope.Cos, rope.Sin, rope.MaxPositions);
        RotateHalfRope.Launch(_context, _stream, kb.View, batch.NumTokens, kb.Cols, headDim, positions, batch.Positions, rope.Cos, rope.Sin, rope.MaxPositions);
    }

    public void StoreKv(IDeviceBuffer k, IDeviceBuffer v, IDeviceKvCache cache, int layer, ForwardBatch batch)
    {
        var c = (CudaKvCache)cache;
        var step = Step(batch);
        var kb = (CudaBuffer)k;
        var vb = (CudaBuffer)v;
        if (kb.Cols != c.SlotWidth || vb.Cols != c.SlotWidth)
        {
            throw new ArgumentException($"StoreKv: k and v rows of {kb.Cols} and {vb.Cols}, cache slots of {c.SlotWidth}.");
        }
        var slots = step.Slice(step.SlotMapping, batch.NumTokens);
        switch (c.DType)
        {
            case DType.F32:
                Cuda.StoreKv.Launch<float, F32Kv>(_context, _stream, kb.View, vb.View, c.KeysF32(layer), c.ValuesF32(layer), c.SlotWidth, slots, batch.SlotMapping);
                break;
            case DType.BF16:
                Cuda.StoreKv.Launch<ushort, Bf16Kv>(_context, _stream, kb.View, vb.View, c.Keys16(layer), c.Values16(layer), c.SlotWidth, slots, batch.SlotMapping);
                break;
            default:
                Cuda.StoreKv.Launch<ushort, F16Kv>(_context, _stream, kb.View, vb.View, c.Keys16(layer), c.Values16(layer), c.SlotWidth, slots, batch.SlotMapping);
                break;
        }
    }

    public void PagedAttention(IDeviceBuffer q, IDeviceKvCache cache, int layer, ForwardBatch batch, int numHeads, IDeviceBuffer output) =>
        RunAttention((CudaBuffer)q, (CudaKvCache)cache, layer, batch, numHeads, (CudaBuffer)output);

    /// <summary>
    /// Every attention of the forward goes through here: causal attention of the batch's rows over the paged cache.
    /// Head sizes with flash kernels (<see cref="Attention.PagedAttentionKernels.HeadDims"/>) take the split-KV
    /// decode and the causal prefill kernels on a GPU; any other head size, and the check device, the simple
    /// <see cref="NaivePagedAttention"/>.
    /// </summary>
    private void RunAttention(CudaBuffer q, CudaKvCache cache, int layer, ForwardBatch batch, int numHeads, CudaBuffer output)
    {
        var step = Step(batch);
        // On the check device the simple kernel runs instead: the flash kernels are checked op by op against the CPU
        // backend (CudaPagedAttentionTests), and simulating them through whole models made the suite several times slower.
        if (_context.IsCuda && Attention.PagedAttentionKernels.HeadDims.Contains(cache.HeadDim))
        {
            _attention ??= new Attention.PagedAttentionKernels(_context);
            var metadata = new Attention.AttentionMetadata(
                step.Slice(step.QueryStartLoc, batch.NumSeqs + 1),
                step.Slice(step.Positions, batch.NumTokens),
                step.Slice(step.BlockTables, batch.NumSeqs * batch.MaxBlocksPerSeq));
            switch (cache.DType)
            {
                case DType.F32:
                    _attention.Run(_stream, q.View, output.View, cache.KeysF32(layer), cache.ValuesF32(layer), metadata, _attentionStep,
                        numHeads, cache.NumKvHeads, cache.HeadDim);
                    break;
                default:
                    _attention.Run(_stream, q.View, output.View, cache.Keys16(layer), cache.Values16(layer),
                        cache.DType == DType.BF16 ? Attention.KvCacheType.Bf16 : Attention.KvCacheType.F16, metadata, _attentionStep,
                        numHeads, cache.NumKvHeads, cache.HeadDim);
                    break;
            }
            return;
        }
        var layout = new NaivePagedAttention.Shape(0, 0, 0, 0, 0, 0, 0, 0f, step.Positions, step.RowSeqs, step.BlockTables);
        switch (cache.DType)
        {
            case DType.F32:
                NaivePagedAttention.Launch<float, F32Kv>(_context, _stream, q.View, cache.KeysF32(layer), cache.ValuesF32(layer), step.View, output.View,
                    batch, numHeads, cache.NumKvHeads, cache.HeadDim, cache.NumBlocks, layout);
                break;
            case DType.BF16:
                NaivePagedAttention.Launch<ushort, Bf16Kv>(_context, _stream, q.View, cache.Keys16(layer), cache.Values16(layer), step.View, output.View,
                    batch, numHeads, cache.NumKvHeads, cache.HeadDim, cache.NumBlocks, layout);
                break;
            default:
                NaivePagedAttention.Launch<ushort, F16Kv>(_context, _stream, q.View, cache.Keys16(layer), cache.Values16(layer), step.View, output.View,
                    batch, numHeads, cache.NumKvHeads, cache.HeadDim, cache.NumBlocks, layout);
                break;
        }
    }

    public void SwiGlu(IDeviceBuffer gate, IDeviceBuffer up, int rows)
    {
        var g = (CudaBuffer)gate;
        Cuda.SwiGlu.Launch(_context, _stream, g.View, ((CudaBuffer)up).View, rows, g.Cols);
    }

    public void GatherLogitRows(IDeviceBuffer x, ForwardBatch batch, int first, int count, IDeviceBuffer output)
    {
        var input = (CudaBuffer)x;
        var result = (CudaBuffer)output;
        var step = Step(batch);
        if (result.Cols != input.Cols || count > result.MaxRows)
        {
            throw new ArgumentException($"GatherLogitRows: {count} rows of {input.Cols} into a buffer of {result.MaxRows}×{result.Cols}.");
        }
        var hostIndices = batch.LogitsIndices.Slice(first, count);
        Cuda.GatherLogitRows.Launch(_context, _stream, input.View, batch.NumTokens, input.Cols, step.Slice(step.LogitsIndices + first, count), hostIndices, result.View);
    }

    /// <summary>The sampler chain on this backend's stream, after the forward (one wait per step, for the tokens).</summary>
    public IDeviceSampler CreateSampler(int slots, int vocab, int historyCapacity) =>
        Own(new Sampling.CudaDeviceSampler(_context, _stream, () => _pendingUpload = false, slots, vocab, historyCapacity));

    /// <summary>The step's one synchronisation: waits for the stream and copies the rows out.</summary>
    public void CopyToHost(IDeviceBuffer buffer, int rows, Span<float> destination)
    {
        var b = (CudaBuffer)buffer;
        var length = (long)rows * b.Cols;
        if (rows > b.MaxRows || destination.Length < length)
        {
            throw new ArgumentException($"CopyToHost: {rows} rows of {b.Cols} ({b.MaxRows} allocated) into {destination.Length} floats.");
        }
        if (length > 0)
        {
            b.Rows(rows).CopyToCPU(_stream, destination[..(int)length]);
        }
        _pendingUpload = false;
    }

    public void Dispose()
    {
        _stream.Synchronize();
        _step?.Dispose();
        _attention?.Dispose();
        _gemmPartials.Dispose();
        foreach (var resource in _owned)
        {
            resource.Dispose();
        }
        _owned.Clear();
        lock (_weightsLock)
        {
            foreach (var weight in _weights)
            {
                weight.Dispose();
            }
            _weights.Clear();
        }
        _stream.Dispose();
        if (_ownsContext)
        {
            _context.Dispose();
        }
    }
}
