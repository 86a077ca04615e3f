using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda.Lora;

/// <summary>
/// LoRA expand for one adapter segment (punica's SGMV expand): y[r, o] += (scale · m_r) · Σ_j t[r, j] · Bᵀ[j, o]
/// for rows RowStart ≤ r &lt; RowStart + Rows, Bᵀ (rank, n) float32 and m_r the row's multiplier. One thread per
/// (row, o): consecutive threads read consecutive Bᵀ columns. The sum over j is formed first and scaled once, as
/// the CPU backend's <c>LoraExpand</c> does.
/// </summary>
public static class SgmvExpand
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Shape> Entry = Kernel;

    public readonly record struct Shape(int RowStart, int Rows, int Rank, int N, int TCols, float Scale);

    /// <param name="t">(tokens, TCols) shrunk rows.</param>
    /// <param name="bT">(rank, n) lora_B transposed.</param>
    /// <param name="multipliers">(tokens) each row's LoRA multiplier.</param>
    /// <param name="y">(tokens, n), accumulated into.</param>
    public static void Kernel(ArrayView<float> t, ArrayView<float> bT, ArrayView<float> multipliers, ArrayView<float> y, Shape shape)
    {
        var i = Grid.GlobalIndex.X;
        var n = shape.N;
        if (i >= shape.Rows * n)
        {
            return;
        }
        var r = shape.RowStart + (i / n);
        var o = i - ((i / n) * n);
        var delta = 0f;
        for (var j = 0; j < shape.Rank; j++)
        {
            delta += t[(r * shape.TCols) + j] * bT[(j * n) + o];
        }
        y[(r * n) + o] += shape.Scale * multipliers[r] * delta;
    }

    public static void Launch(KernelContext context, AcceleratorStream stream, ArrayView<float> t, int tCols, ArrayView<float> bT, int rank, int n,
        ArrayView<float> multipliers, ArrayView<float> y, float scale, int rowStart, int rowEnd)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (rank <= 0 || n <= 0 || tCols < rank || (uint)rowStart > (uint)rowEnd || bT.Length < (long)rank * n
            || t.Length < (long)rowEnd * tCols || y.Length < (long)rowEnd * n || multipliers.Length < rowEnd)
        {
            throw new ArgumentException(
                $"{nameof(SgmvExpand)}: rows {rowStart}..{rowEnd} of Bᵀ ({rank}, {n}) from t of width {tCols} need {(long)rank * n} Bᵀ, {(long)rowEnd * tCols} t, {(long)rowEnd * n} y elements and {rowEnd} multipliers; got {bT.Length}, {t.Length}, {y.Length}, {multipliers.Length}.");
        }
        var count = (rowEnd - rowStart) * n;
        if (count == 0)
        {
            return;
        }
        context.Load(Entry)(stream, RowShapes.OneThreadPerElement(count), t, bT, multipliers, y, new Shape(rowStart, rowEnd - rowStart, rank, n, tCols, scale));
    }
}
