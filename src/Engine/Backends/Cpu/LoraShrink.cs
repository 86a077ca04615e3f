using System.Numerics.Tensors;

namespace Engine.Backends.Cpu;

/// <summary>
/// t (tokens, ≥ rank) = x (tokens, k) · Aᵀ for the rows of one adapter segment, A (rank, k) float32. One chunk per
/// row: each t[r][j] is one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> of the
/// row, so the result does not depend on which other rows share the batch.
/// </summary>
internal sealed unsafe class LoraShrink : IParallelJob
{
    private float* _a;
    private float[] _x = [];
    private float[] _t = [];
    private int _rank;
    private int _k;
    private int _tCols;
    private int _rowStart;

    /// <summary>Sets the operands and returns the number of chunks (rows) to run.</summary>
    public int Prepare(float* a, int rank, int k, float[] x, float[] t, int tCols, int rowStart, int rowEnd)
    {
        _a = a;
        _rank = rank;
        _k = k;
        _x = x;
        _t = t;
        _tCols = tCols;
        _rowStart = rowStart;
        return rowEnd - rowStart;
    }

    public void Execute(int chunk, int worker)
    {
        var r = _rowStart + chunk;
        ReadOnlySpan<float> x = _x.AsSpan(r * _k, _k);
        var t = _t.AsSpan(r * _tCols, _rank);
        for (var j = 0; j < t.Length; j++)
        {
            t[j] = TensorPrimitives.Dot(new ReadOnlySpan<float>(_a + (nint)j * _k, _k), x);
        }
    }
}
