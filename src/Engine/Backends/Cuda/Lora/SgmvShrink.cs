using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda.Lora;

/// <summary>
/// LoRA shrink for one adapter segment (punica's SGMV shrink): t[r, j] = Σ_i A[j, i] · x[r, i] for rows
/// RowStart ≤ r &lt; RowStart + Rows and j &lt; rank, A (rank, k) float32. One warp per (row, j): lanes stride over
/// i, a butterfly sums them; each row's result depends on that row only.
/// </summary>
public static class SgmvShrink
{
    public const int WarpsPerGroup = 8;

    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, Shape> Entry = Kernel;

    /// <param name="TCols">Row width of t (≥ rank; the workspace is as wide as the largest rank).</param>
    public readonly record struct Shape(int RowStart, int Rows, int Rank, int K, int TCols);

    /// <param name="x">(tokens, k).</param>
    /// <param name="a">(rank, k) lora_A.</param>
    /// <param name="t">(tokens, TCols) shrunk rows.</param>
    public static void Kernel(ArrayView<float> x, ArrayView<float> a, ArrayView<float> t, Shape shape)
    {
        var item = (Grid.IdxX * WarpsPerGroup) + Warp.WarpIdx;
        if (item >= shape.Rows * shape.Rank)
        {
            return;
        }
        var r = shape.RowStart + (item / shape.Rank);
        var j = item - ((item / shape.Rank) * shape.Rank);
        var k = shape.K;
        var sum = 0f;
        for (var i = Warp.LaneIdx; i < k; i += Warp.WarpSize)
        {
            sum += a[(j * k) + i] * x[(r * k) + i];
        }
        sum = Reductions.WarpSum(sum);
        if (Warp.LaneIdx == 0)
        {
            t[(r * shape.TCols) + j] = sum;
        }
    }

    public static void Launch(KernelContext context, AcceleratorStream stream, ArrayView<float> x, ArrayView<float> a, int rank, int k,
        ArrayView<float> t, int tCols, int rowStart, int rowEnd)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (rank <= 0 || k <= 0 || tCols < rank || (uint)rowStart > (uint)rowEnd || a.Length < (long)rank * k
            || x.Length < (long)rowEnd * k || t.Length < (long)rowEnd * tCols)
        {
            throw new ArgumentException(
                $"{nameof(SgmvShrink)}: rows {rowStart}..{rowEnd} of A ({rank}, {k}) into t of width {tCols} need {(long)rank * k} A, {(long)rowEnd * k} x and {(long)rowEnd * tCols} t elements; got {a.Length}, {x.Length}, {t.Length}.");
        }
        var items = (rowEnd - rowStart) * rank;
        if (items == 0)
        {
            return;
        }
        context.Load(Entry)(stream, new KernelConfig((items + WarpsPerGroup - 1) / WarpsPerGroup, WarpsPerGroup * 32), x, a, t,
            new Shape(rowStart, rowEnd - rowStart, rank, k, tCols));
    }
}
