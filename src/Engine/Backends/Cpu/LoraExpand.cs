using System.Numerics.Tensors;

namespace Engine.Backends.Cpu;

/// <summary>
/// y[r] += scale · m_r · (t[r] · Bᵀ) for the rows of one adapter segment, with Bᵀ (rank, n) float32 (lora_B
/// transposed so the inner loop runs along contiguous output columns). A chunk is one row and a block of
/// <see cref="ColumnsPerChunk"/> output columns: the delta is summed over j on the stack, then added once, so
/// every output element sees the same operations however the batch is laid out.
/// </summary>
internal sealed unsafe class LoraExpand : IParallelJob
{
    public const int ColumnsPerChunk = 256;

    private float* _bT;
    private float[] _t = [];
    private float[] _y = [];
    private float[] _rowMultipliers = [];
    private float _scale;
    private int _rank;
    private int _n;
    private int _tCols;
    private int _rowStart;
    private int _blocksPerRow;

    /// <summary>Sets the operands and returns the number of chunks to run.</summary>
    public int Prepare(float* bT, int rank, int n, float[] t, int tCols, float[] y, float[] rowMultipliers, float scale, int rowStart, int rowEnd)
    {
        _bT = bT;
        _rank = rank;
        _n = n;
        _t = t;
        _tCols = tCols;
        _y = y;
        _rowMultipliers = rowMultipliers;
        _scale = scale;
        _rowStart = rowStart;
        _blocksPerRow = (n + ColumnsPerChunk - 1) / ColumnsPerChunk;
        return (rowEnd - rowStart) * _blocksPerRow;
    }

    public void Execute(int chunk, int worker)
    {
        var r = _rowStart + chunk / _blocksPerRow;
        var c0 = chunk % _blocksPerRow * ColumnsPerChunk;
        var width = Math.Min(ColumnsPerChunk, _n - c0);
        ReadOnlySpan<float> t = _t.AsSpan(r * _tCols, _rank);
        Span<float> delta = stackalloc float[ColumnsPerChunk];
        delta = delta[..width];
        delta.Clear();

        // delta = Σ_j t[r][j] · Bᵀ[j][c0 .. c0 + width)
        for (var j = 0; j < t.Length; j++)
        {
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(_bT + (nint)j * _n + c0, width), t[j], delta, delta);
        }

        // y[r] += (scale · m_r) · delta
        var y = _y.AsSpan(r * _n + c0, width);
        TensorPrimitives.MultiplyAdd(delta, _scale * _rowMultipliers[r], y, y);
    }
}
