using Engine.Execution;
using Engine.Model;

namespace Engine.Backends.Cpu;

/// <summary>
/// The CPU backend: SIMD kernels (Vector512, TensorPrimitives) on a fixed <see cref="WorkerPool"/>; matmuls split
/// over output rows, attention over (token, head). Weights stay in their checkpoint dtype; activations and the
/// KV cache are float32. After the first step of the largest batch nothing is allocated.
/// </summary>
public sealed unsafe class CpuBackend : IBackend
{
    private readonly WorkerPool _pool;
    private readonly List<CpuWeight> _weights = [];
    private readonly MatMul<F32Loader> _matMulF32 = new();
    private readonly MatMul<Bf16Loader> _matMulBf16 = new();
    private readonly MatMul<F16Loader> _matMulF16 = new();
    private readonly PagedAttention _attention = new();
    private readonly LoraShrink _loraShrink = new();
    private readonly LoraExpand _loraExpand = new();
    private float[][] _scores = [];
    private readonly RowwiseOps _rowwise = new();
    private float[][] _scratchRows = [];
    private int[] _rowSeq = [];
    private float[] _rowLoraMultipliers = [];

    /// <param name="threads">Threads that run kernels (the caller's included); 0 means Environment.ProcessorCount.</param>
    /// <param name="kvCacheDType">Element type of the KV caches this backend allocates (f32, bf16 or f16).</param>
    public CpuBackend(int threads = 0, DType kvCacheDType = DType.F32)
    {
        CpuKvCache.CheckDType(kvCacheDType);
        KvCacheDType = kvCacheDType;
        _pool = new WorkerPool(threads > 0 ? threads : Environment.ProcessorCount);
    }

    public string Name => KvCacheDType == DType.F32 ? $"cpu ({_pool.Threads} threads)" : $"cpu ({_pool.Threads} threads, KV cache {KvCacheDType})";

    /// <summary>Element type of the KV caches this backend allocates.</summary>
    public DType KvCacheDType { get; }

    public int Threads => _pool.Threads;

    // idle between forwards, so the runner samples a step's sequences on it (BatchSampler)
    internal WorkerPool Pool => _pool;

    /// <summary>Weights loaded and not yet released (tests check that merged LoRA copies are freed).</summary>
    internal int NumWeights => _weights.Count;

    public IDeviceWeight LoadWeight(WeightTensor tensor)
    {
        var weight = new CpuWeight(tensor);
        _weights.Add(weight);
        return weight;
    }

    public void ReleaseWeight(IDeviceWeight weight)
    {
        if (weight is CpuWeight cpu && _weights.Remove(cpu))
        {
            cpu.Dispose();
        }
    }

    public IDeviceBuffer AllocateBuffer(int maxRows, int cols)
    {
        if (_scratchRows.Length == 0 || _scratchRows[0].Length < cols)
        {
            // one SwiGLU scratch row per worker, as wide as the widest buffer
            _scratchRows = [.. Enumerable.Range(0, _pool.Threads).Select(_ => new float[cols])];
        }
        return new CpuBuffer(maxRows, cols);
    }

    public IDeviceKvCache AllocateKvCache(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim)
    {
        var cache = new CpuKvCache(numLayers, numBlocks, blockSize, numKvHeads, headDim, KvCacheDType);
        var maxContext = numBlocks * blockSize;
        if (_scores.Length == 0 || _scores[0].Length < maxContext)
        {
            _scores = new float[_pool.Threads][];
            for (var i = 0; i < _scores.Length; i++)
            {
                _scores[i] = new float[maxContext];
            }
        }
        return cache;
    }

    public IDeviceRopeTable CreateRopeTable(ReadOnlySpan<double> invFreq, double attentionScale, int maxPositions) =>
        new CpuRopeTable(invFreq, attentionScale, maxPositions);

    public void BeginStep(ForwardBatch batch)
    {
        // row → sequence index, so per-(row, head) attention chunks find their block table directly.
        if (_rowSeq.Length < batch.MaxTokens)
        {
            _rowSeq = new int[batch.MaxTokens];
            _rowLoraMultipliers = new float[batch.MaxTokens];
        }
        if (batch.NumLoraSegments > 0)
        {
            batch.RowLoraMultipliers.CopyTo(_rowLoraMultipliers);
        }
        var starts = batch.QueryStartLoc;
        for (var s = 0; s < batch.NumSeqs; s++)
        {
            _rowSeq.AsSpan(starts[s], starts[s + 1] - starts[s]).Fill(s);
        }
    }

    public void Embedding(IDeviceWeight table, ForwardBatch batch, IDeviceBuffer x)
    {
        var w = (CpuWeight)table;
        var output = (CpuBuffer)x;
        var tokens = batch.TokenIds;
        for (var r = 0; r < tokens.Length; r++)
        {
            var token = tokens[r];
            if ((uint)token >= (uint)w.Rows)
            {
                ThrowHelper.TokenOutOfRange(token, w.Rows);
            }
            WidenRow(w, token, output.Row(r));
        }
    }

    public void RmsNorm(IDeviceBuffer x, IDeviceWeight weight, float eps, IDeviceBuffer output, int rows) =>
        RunRows(_rowwise.PrepareNorm((CpuBuffer)x, null, ((CpuWeight)weight).Floats!, eps, (CpuBuffer)output, rows), rows);

    public void AddRmsNorm(IDeviceBuffer x, IDeviceBuffer delta, IDeviceWeight weight, float eps, IDeviceBuffer output, int rows) =>
        RunRows(_rowwise.PrepareNorm((CpuBuffer)x, (CpuBuffer)delta, ((CpuWeight)weight).Floats!, eps, (CpuBuffer)output, rows), rows);

    // a prefill's rows over the pool, a decode step's on this thread
    private void RunRows(int chunks, int rows)
    {
        if (rows >= RowwiseOps.MinParallelRows)
        {
            _pool.Run(_rowwise, chunks);
            return;
        }
        for (var r = 0; r < rows; r++)
        {
            _rowwise.Row(r, 0);
        }
    }

    public void HeadRmsNorm(IDeviceBuffer x, IDeviceWeight weight, float eps, int rows)
    {
        var buffer = (CpuBuffer)x;
        var w = ((CpuWeight)weight).Floats!;
        var all = buffer.Rows(rows);
        for (var h = 0; h < all.Length; h += w.Length)
        {
            var head = all.Slice(h, w.Length);
            Cpu.RmsNorm.Row(head, w, eps, head);
        }
    }

    public void MatMul(IDeviceBuffer input, IDeviceWeight weight, IDeviceWeight? bias, IDeviceBuffer output, int rows) =>
        MatMul(input, rows, new MatMulTarget(weight, bias, output), default);

    public void MatMul(IDeviceBuffer input, int rows, MatMulTarget first, MatMulTarget second, MatMulTarget third = default)
    {
        var x = (CpuBuffer)input;
        var dtype = ((CpuWeight)first.Weight).DType;
        if ((second.Weight is CpuWeight w1 && w1.DType != dtype) || (third.Weight is CpuWeight w2 && w2.DType != dtype))
        {
            // one job streams one dtype; mixed targets (a merged LoRA copy beside base weights) run one by one
            MatMul(input, rows, first, default);
            MatMul(input, rows, second, default);
            if (third.Weight is not null)
            {
                MatMul(input, rows, third, default);
            }
            return;
        }
        switch (dtype)
        {
            case DType.F32:
                Run(_matMulF32, x, rows, first, second, third);
                break;
            case DType.BF16:
                Run(_matMulBf16, x, rows, first, second, third);
                break;
            default:
                Run(_matMulF16, x, rows, first, second, third);
                break;
        }
    }

    private void Run<TLoader>(MatMul<TLoader> job, CpuBuffer x, int rows, in MatMulTarget a, in MatMulTarget b, in MatMulTarget c)
        where TLoader : struct, IWeightLoader
    {
        fixed (float* px = x.Data, y0 = Check(x, rows, a), b0 = BiasOf(a), y1 = Check(x, rows, b), b1 = BiasOf(b), y2 = Check(x, rows, c), b2 = BiasOf(c))
        {
            job.Begin(px, x.Cols, rows);
            var chunks = job.Add(((CpuWeight)a.Weight).Data, ((CpuWeight)a.Weight).Rows, y0, b0);
            if (b.Weight is CpuWeight wb)
            {
                chunks = job.Add(wb.Data, wb.Rows, y1, b1);
            }
            if (c.Weight is CpuWeight wc)
            {
                chunks = job.Add(wc.Data, wc.Rows, y2, b2);
            }
            _pool.Run(job, chunks);
        }
    }

    // the target's output array after checking its shapes against x; null for an absent target
    private static float[]? Check(CpuBuffer x, int rows, in MatMulTarget target)
    {
        if (target.Weight is not CpuWeight w)
        {
            return null;
        }
        var y = (CpuBuffer)target.Output;
        if (x.Cols != w.Cols || y.Cols != w.Rows || rows > x.MaxRows || rows > y.MaxRows)
        {
            ThrowHelper.ShapeMismatch(w.Name, w.Rows, w.Cols, x.Cols, y.Cols);
        }
        return y.Data;
    }

    private static float[]? BiasOf(in MatMulTarget target) => ((CpuWeight?)target.Bias)?.Floats;

    public void LoraShrink(IDeviceBuffer input, IDeviceWeight a, IDeviceBuffer shrunk, int rowStart, int rowEnd)
    {
        var x = (CpuBuffer)input;
        var w = (CpuWeight)a;
        var t = (CpuBuffer)shrunk;
        if (w.DType != DType.F32 || x.Cols != w.Cols || t.Cols < w.Rows || (uint)rowStart > (uint)rowEnd || rowEnd > x.MaxRows || rowEnd > t.MaxRows)
        {
            ThrowHelper.LoraShapeMismatch(w.Name, w.Rows, w.Cols, x.Cols, t.Cols, rowStart, rowEnd);
        }
        _pool.Run(_loraShrink, _loraShrink.Prepare((float*)w.Data, w.Rows, w.Cols, x.Data, t.Data, t.Cols, rowStart, rowEnd));
    }

    public void LoraExpand(IDeviceBuffer shrunk, IDeviceWeight bT, float scale, ForwardBatch batch, IDeviceBuffer output, int rowStart, int rowEnd)
    {
        var t = (CpuBuffer)shrunk;
        var w = (CpuWeight)bT;
        var y = (CpuBuffer)output;
        if (w.DType != DType.F32 || t.Cols < w.Rows || y.Cols != w.Cols || (uint)rowStart > (uint)rowEnd || rowEnd > batch.NumTokens || rowEnd > y.MaxRows)
        {
            ThrowHelper.LoraShapeMismatch(w.Name, w.Rows, w.Cols, t.Cols, y.Cols, rowStart, rowEnd);
        }
        _pool.Run(_loraExpand, _loraExpand.Prepare((float*)w.Data, w.Rows, w.Cols, t.Data, t.Cols, y.Data, _rowLoraMultipliers, scale, rowStart, rowEnd));
    }

    public void Rope(IDeviceBuffer q, IDeviceBuffer k, IDeviceRopeTable table, ForwardBatch batch, int headDim)
    {
        var rope = (CpuRopeTable)table;
        var qb = (CpuBuffer)q;
        var kb = (CpuBuffer)k;
        var positions = batch.Positions;
        for (var r = 0; r < positions.Length; r++)
        {
            var p = positions[r];
            if ((uint)p >= (uint)rope.MaxPositions)
            {
                ThrowHelper.PositionOutOfRange(p, rope.MaxPositions);
            }
            ReadOnlySpan<float> cos = rope.Cos.AsSpan(p * rope.Half, rope.Half);
            ReadOnlySpan<float> sin = rope.Sin.AsSpan(p * rope.Half, rope.Half);
            RotateHeads(qb.Row(r), headDim, cos, sin);
            RotateHeads(kb.Row(r), headDim, cos, sin);
        }
    }

    private static void RotateHeads(Span<float> row, int headDim, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        for (var h = 0; h < row.Length; h += headDim)
        {
            Cpu.Rope.Head(row.Slice(h, headDim), cos, sin);
        }
    }

    public void StoreKv(IDeviceBuffer k, IDeviceBuffer v, IDeviceKvCache cache, int layer, ForwardBatch batch)
    {
        var c = (CpuKvCache)cache;
        var kb = (CpuBuffer)k;
        var vb = (CpuBuffer)v;
        var slots = batch.SlotMapping;
        for (var r = 0; r < slots.Length; r++)
        {
            c.WriteSlot(layer, slots[r], kb.Row(r), vb.Row(r));
        }
    }

    public void PagedAttention(IDeviceBuffer q, IDeviceKvCache cache, int layer, ForwardBatch batch, int numHeads, IDeviceBuffer output)
    {
        var chunks = _attention.Prepare(((CpuBuffer)q).Data, ((CpuBuffer)output).Data, (CpuKvCache)cache, layer, batch, _rowSeq, numHeads, _scores);
        _pool.Run(_attention, chunks);
    }

    public void SwiGlu(IDeviceBuffer gate, IDeviceBuffer up, int rows) =>
        RunRows(_rowwise.PrepareSwiGlu((CpuBuffer)gate, (CpuBuffer)up, rows, _scratchRows), rows);

    public void GatherLogitRows(IDeviceBuffer x, ForwardBatch batch, int first, int count, IDeviceBuffer output)
    {
        var input = (CpuBuffer)x;
        var result = (CpuBuffer)output;
        var indices = batch.LogitsIndices.Slice(first, count);
        for (var i = 0; i < indices.Length; i++)
        {
            input.Row(indices[i]).CopyTo(result.Row(i));
        }
    }

    public void CopyToHost(IDeviceBuffer buffer, int rows, Span<float> destination) =>
        ((CpuBuffer)buffer).Rows(rows).CopyTo(destination);

    private static void WidenRow(CpuWeight w, int row, Span<float> destination)
    {
        var cols = w.Cols;
        var p = w.Data + (nint)row * cols * Model.WeightTensor.ElementSize(w.DType);
        switch (w.DType)
        {
            case DType.F32:
                new ReadOnlySpan<float>(p, cols).CopyTo(destination);
                break;
            case DType.F16:
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(p, cols), destination);
                break;
            default:
                for (var i = 0; i < cols; i++)
                {
                    destination[i] = Bf16Loader.Load1(p, i);
                }
                break;
        }
    }

    public void Dispose()
    {
        _pool.Dispose();
        foreach (var weight in _weights)
        {
            weight.Dispose();
        }
        _weights.Clear();
    }
}
