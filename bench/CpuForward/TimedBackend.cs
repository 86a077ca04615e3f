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
        using (Time("begin step"))
        {
            inner.BeginStep(batch);
        }
    }

    public void Embedding(IDeviceWeight table, ForwardBatch batch, IDeviceBuffer x)
    {
        using (Time("embedding"))
        {
            inner.Embedding(table, batch, x);
        }
    }

    public void RmsNorm(IDeviceBuffer x, IDeviceWeight weight, float eps, IDeviceBuffer output, int rows)
    {
        using (Time("rms norm"))
        {
            inner.RmsNorm(x, weight, eps, output, rows);
        }
    }

    public void AddRmsNorm(IDeviceBuffer x, IDeviceBuffer delta, IDeviceWeight weight, float eps, IDeviceBuffer output, int rows)
    {
        using (Time("residual add + rms norm"))
        {
            inner.AddRmsNorm(x, delta, weight, eps, output, rows);
        }
    }

    public void HeadRmsNorm(IDeviceBuffer x, IDeviceWeight weight, float eps, int rows)
    {
        using (Time("head rms norm"))
        {
            inner.HeadRmsNorm(x, weight, eps, rows);
        }
    }

    public void MatMul(IDeviceBuffer input, IDeviceWeight weight, IDeviceWeight? bias, IDeviceBuffer output, int rows)
    {
        using (Time(MatMulName(weight, null, null), Bytes(weight)))
        {
            inner.MatMul(input, weight, bias, output, rows);
        }
    }

    public void MatMul(IDeviceBuffer input, int rows, MatMulTarget first, MatMulTarget second, MatMulTarget third = default)
    {
        using (Time(MatMulName(first.Weight, second.Weight, third.Weight), Bytes(first.Weight) + Bytes(second.Weight) + Bytes(third.Weight)))
        {
            inner.MatMul(input, rows, first, second, third);
        }
    }

    public void LoraShrink(IDeviceBuffer input, IDeviceWeight a, IDeviceBuffer shrunk, int rowStart, int rowEnd) =>
        inner.LoraShrink(input, a, shrunk, rowStart, rowEnd);

    public void LoraExpand(IDeviceBuffer shrunk, IDeviceWeight bT, float scale, ForwardBatch batch, IDeviceBuffer output, int rowStart, int rowEnd) =>
        inner.LoraExpand(shrunk, bT, scale, batch, output, rowStart, rowEnd);

    public void Rope(IDeviceBuffer q, IDeviceBuffer k, IDeviceRopeTable table, ForwardBatch batch, int headDim)
    {
        using (Time("rope"))
        {
            inner.Rope(q, k, table, batch, headDim);
        }
    }

    public void StoreKv(IDeviceBuffer k, IDeviceBuffer v, IDeviceKvCache cache, int layer, ForwardBatch batch)
    {
        using (Time("store kv"))
        {
            inner.StoreKv(k, v, cache, layer, batch);
        }
    }

    public void PagedAttention(IDeviceBuffer q, IDeviceKvCache cache, int layer, ForwardBatch batch, int numHeads, IDeviceBuffer output)
    {
        using (Time("paged attention"))
        {
            inner.PagedAttention(q, cache, layer, batch, numHeads, output);
        }
    }

    public void SwiGlu(IDeviceBuffer gate, IDeviceBuffer up, int rows)
    {
        using (Time("swiglu"))
        {
            inner.SwiGlu(gate, up, rows);
        }
    }

    public void GatherLogitRows(IDeviceBuffer x, ForwardBatch batch, int first, int count, IDeviceBuffer output)
    {
        using (Time("gather logit rows"))
        {
            inner.GatherLogitRows(x, batch, first, count, output);
        }
    }

    public void CopyToHost(IDeviceBuffer buffer, int rows, Span<float> destination)
    {
        using (Time("copy logits to host"))
        {
            inner.CopyToHost(buffer, rows, destination);
        }
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

    private Scope Time(string op, long bytes = 0) => new(this, op, bytes);

    private void Add(string op, long start, long bytes)
    {
        var ticks = Stopwatch.GetTimestamp() - start;
        var (t, n, b) = _totals.GetValueOrDefault(op);
        _totals[op] = (t + ticks, n + 1, b + bytes);
    }

    // one timed call: started when made, added to its op's total when disposed (a struct: nothing allocated)
    private readonly struct Scope(TimedBackend owner, string op, long bytes) : IDisposable
    {
        private readonly long _start = Stopwatch.GetTimestamp();

        public void Dispose() => owner.Add(op, _start, bytes);
    }
}
