using System.Diagnostics;
using Engine.Backends;
using Engine.Execution;
using Engine.Model;

namespace Bench.CpuForward;

/// <summary>
/// An <see cref="IBackend"/> that forwards every call to an inner backend and adds the call's wall time to a
/// per-operation total, so a decode step can be split into its GEMVs (by weight shape), norms, attention and
/// the rest. The CPU backend returns from a call only when its workers are done, so a call's time is the op's
/// time, hand-offs to the worker pool included. One Stopwatch read per call (~20 ns), nothing allocated after
/// an op's first call.
/// </summary>
internal sealed class TimedBackend(IBackend inner) : IBackend
{
    private readonly Dictionary<string, (long Ticks, long Calls, long Bytes)> _totals = [];
    private readonly Dictionary<(int, int, int, int), string> _matMulNames = [];

    /// <summary>Per-operation totals since the last <see cref="Reset"/>: Stopwatch ticks, calls, weight bytes read.</summary>
    public IReadOnlyDictionary<string, (long Ticks, long Calls, long Bytes)> Totals => _totals;

    /// <summary>Bytes per element of the weights, for the bytes a GEMV reads (set by the caller).</summary>
    public int WeightElementSize { get; set; } = 4;

    public void Reset() => _totals.Clear();

    public string Name => inner.Name;

    public IDeviceWeight LoadWeight(WeightTensor tensor) => inner.LoadWeight(tensor);

    public void ReleaseWeight(IDeviceWeight weight) => inner.ReleaseWeight(weight);

    public IDeviceBuffer AllocateBuffer(int maxRows, int cols) => inner.AllocateBuffer(maxRows, cols);

    public IDeviceKvCache AllocateKvCache(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim) =>
        inner.AllocateKvCache(numLayers, numBlocks, blockSize, numKvHeads, headDim);

    public IDeviceRopeTable CreateRopeTable(ReadOnlySpan<double> invFreq, double attentionScale, int maxPositions) =>
        inner.CreateRopeTable(invFreq, attentionScale, maxPositions);

    public void BeginStep(ForwardBatch batch)
    {
        var t = Stopwatch.GetTimestamp();
        inner.BeginStep(batch);
        Add("begin step", t, 0);
    }

    public void Embedding(IDeviceWeight table, ForwardBatch batch, IDeviceBuffer x)
    {
        var t = Stopwatch.GetTimestamp();
        inner.Embedding(table, batch, x);
        Add("embedding", t, 0);
    }

    public void RmsNorm(IDeviceBuffer x, IDeviceWeight weight, float eps, IDeviceBuffer output, int rows)
    {
        var t = Stopwatch.GetTimestamp();
        inner.RmsNorm(x, weight, eps, output, rows);
        Add("rms norm", t, 0);
    }

    public void AddRmsNorm(IDeviceBuffer x, IDeviceBuffer delta, IDeviceWeight weight, float eps, IDeviceBuffer output, int rows)
    {
        var t = Stopwatch.GetTimestamp();
        inner.AddRmsNorm(x, delta, weight, eps, output, rows);
        Add("residual add + rms norm", t, 0);
    }

    public void HeadRmsNorm(IDeviceBuffer x, IDeviceWeight weight, float eps, int rows)
    {
        var t = Stopwatch.GetTimestamp();
        inner.HeadRmsNorm(x, weight, eps, rows);
        Add("head rms norm", t, 0);
    }

    public void MatMul(IDeviceBuffer input, IDeviceWeight weight, IDeviceWeight? bias, IDeviceBuffer output, int rows)
    {
        var t = Stopwatch.GetTimestamp();
        inner.MatMul(input, weight, bias, output, rows);
        Add(MatMulName(weight, null, null), t, Bytes(weight));
    }

    public void MatMul(IDeviceBuffer input, int rows, MatMulTarget first, MatMulTarget second, MatMulTarget third = default)
    {
        var t = Stopwatch.GetTimestamp();
        inner.MatMul(input, rows, first, second, third);
        Add(MatMulName(first.Weight, second.Weight, third.Weight), t,
            Bytes(first.Weight) + Bytes(second.Weight) + Bytes(third.Weight));
    }

    public void LoraShrink(IDeviceBuffer input, IDeviceWeight a, IDeviceBuffer shrunk, int rowStart, int rowEnd) =>
        inner.LoraShrink(input, a, shrunk, rowStart, rowEnd);

    public void LoraExpand(IDeviceBuffer shrunk, IDeviceWeight bT, float scale, ForwardBatch batch, IDeviceBuffer output, int rowStart, int rowEnd) =>
        inner.LoraExpand(shrunk, bT, scale, batch, output, rowStart, rowEnd);

    public void Rope(IDeviceBuffer q, IDeviceBuffer k, IDeviceRopeTable table, ForwardBatch batch, int headDim)
    {
        var t = Stopwatch.GetTimestamp();
        inner.Rope(q, k, table, batch, headDim);
        Add("rope", t, 0);
    }

    public void StoreKv(IDeviceBuffer k, IDeviceBuffer v, IDeviceKvCache cache, int layer, ForwardBatch batch)
    {
        var t = Stopwatch.GetTimestamp();
        inner.StoreKv(k, v, cache, layer, batch);
        Add("store kv", t, 0);
    }

    public void PagedAttention(IDeviceBuffer q, IDeviceKvCache cache, int layer, ForwardBatch batch, int numHeads, IDeviceBuffer output)
    {
        var t = Stopwatch.GetTimestamp();
        inner.PagedAttention(q, cache, layer, batch, numHeads, output);
        Add("paged attention", t, 0);
    }

    public void SwiGlu(IDeviceBuffer gate, IDeviceBuffer up, int rows)
    {
        var t = Stopwatch.GetTimestamp();
        inner.SwiGlu(gate, up, rows);
        Add("swiglu", t, 0);
    }

    public void GatherLogitRows(IDeviceBuffer x, ForwardBatch batch, int first, int count, IDeviceBuffer output)
    {
        var t = Stopwatch.GetTimestamp();
        inner.GatherLogitRows(x, batch, first, count, output);
        Add("gather logit rows", t, 0);
    }

    public void CopyToHost(IDeviceBuffer buffer, int rows, Span<float> destination)
    {
        var t = Stopwatch.GetTimestamp();
        inner.CopyToHost(buffer, rows, destination);
        Add("copy logits to host", t, 0);
    }

    public void Dispose() => inner.Dispose();

    private long Bytes(IDeviceWeight? w) => w is null ? 0 : (long)w.Rows * w.Cols * WeightElementSize;

    private string MatMulName(IDeviceWeight a, IDeviceWeight? b, IDeviceWeight? c)
    {
        var key = (a.Rows, a.Cols, b?.Rows ?? 0, c?.Rows ?? 0);
        if (!_matMulNames.TryGetValue(key, out var name))
        {
            name = $"gemv {a.Rows}{(b is null ? "" : $"+{b.Rows}")}{(c is null ? "" : $"+{c.Rows}")} × {a.Cols}";
            _matMulNames[key] = name;
        }
        return name;
    }

    private void Add(string op, long start, long bytes)
    {
        var ticks = Stopwatch.GetTimestamp() - start;
        var (t, n, b) = _totals.GetValueOrDefault(op);
        _totals[op] = (t + ticks, n + 1, b + bytes);
    }
}
