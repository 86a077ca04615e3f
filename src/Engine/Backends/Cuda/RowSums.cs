using ILGPU;
using ILGPU.Runtime;

namespace Engine.Backends.Cuda;

/// <summary>
/// The GEMV's per-lane accumulators: one float per x row (up to <see cref="Gemv.MaxRows"/>), fields rather than
/// an array so they stay in registers; rows past the launch's count are skipped by a warp-uniform test.
/// </summary>
internal struct RowSums
{
    private float _s0, _s1, _s2, _s3, _s4, _s5, _s6, _s7;

    /// <summary>Adds w · x[r, i] for every row r &lt; rows (x rows are k apart).</summary>
    public void Add(ArrayView<float> x, int k, int i, float w, int rows)
    {
        _s0 += w * x[i];
        if (rows > 1)
        {
            _s1 += w * x[k + i];
        }
        if (rows > 2)
        {
            _s2 += w * x[(2 * k) + i];
        }
        if (rows > 3)
        {
            _s3 += w * x[(3 * k) + i];
        }
        if (rows > 4)
        {
            _s4 += w * x[(4 * k) + i];
        }
        if (rows > 5)
        {
            _s5 += w * x[(5 * k) + i];
        }
        if (rows > 6)
        {
            _s6 += w * x[(6 * k) + i];
        }
        if (rows > 7)
        {
            _s7 += w * x[(7 * k) + i];
        }
    }

    /// <summary>Adds the two half-width weights of <paramref name="word"/> (element i in the low half, i + 1 in the high).</summary>
    public void AddPair<TFormat>(ArrayView<float> x, int k, int i, uint word, TFormat format, int rows)
        where TFormat : struct, IHalfFormat
    {
        Add(x, k, i, format.Widen((ushort)word), rows);
        Add(x, k, i + 1, format.Widen((ushort)(word >> 16)), rows);
    }

    /// <summary>Sums each accumulator over the warp; lane 0 writes y[r, o] (+ bias[o]).</summary>
    public void Store(ArrayView<float> bias, ArrayView<float> y, int o, Gemv.Shape shape)
    {
        var b = shape.HasBias != 0 ? bias[o] : 0f;
        var rows = shape.Rows;
        var n = shape.N;
        var lane0 = Warp.LaneIdx == 0;
        StoreRow(_s0, 0, rows, lane0, b, y, o, n);
        StoreRow(_s1, 1, rows, lane0, b, y, o, n);
        StoreRow(_s2, 2, rows, lane0, b, y, o, n);
        StoreRow(_s3, 3, rows, lane0, b, y, o, n);
        StoreRow(_s4, 4, rows, lane0, b, y, o, n);
        StoreRow(_s5, 5, rows, lane0, b, y, o, n);
        StoreRow(_s6, 6, rows, lane0, b, y, o, n);
        StoreRow(_s7, 7, rows, lane0, b, y, o, n);
    }

    private static void StoreRow(float partial, int row, int rows, bool lane0, float bias, ArrayView<float> y, int o, int n)
    {
        if (row < rows)
        {
            var total = Reductions.WarpSum(partial);
            if (lane0)
            {
                y[(row * n) + o] = total + bias;
            }
        }
    }
}
