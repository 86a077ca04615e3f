using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda;

/// <summary>
/// Rotate-half RoPE (HF layout) in place, from a rope table: for each row r at position p = positions[r] and
/// each head, element i pairs with i + half: v'[i] = v[i]·cos[p,i] − v[i+half]·sin[p,i],
/// v'[i+half] = v[i+half]·cos[p,i] + v[i]·sin[p,i]. One thread per pair. cos and sin are (maxPositions, half),
/// as the CPU backend's <c>CpuRopeTable</c> builds them (scaling is in the table, not here).
/// </summary>
public static class RotateHalfRope
{
    public static readonly Action<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, Shape> Entry = Kernel;

    /// <summary>The scalars of one launch, in one struct (launchers take at most six parameters).</summary>
    /// <param name="Cols">Row width of x: heads · 2 · Half.</param>
    /// <param name="Half">head_dim / 2, the rope table's row width.</param>
    /// <param name="Pairs">rows · cols / 2: the number of threads that do work.</param>
    public readonly record struct Shape(int Cols, int Half, int Pairs);

    /// <param name="x">(rows, cols) with cols a multiple of 2 · half (q or k).</param>
    public static void Kernel(ArrayView<float> x, ArrayView<int> positions, ArrayView<float> cos, ArrayView<float> sin, Shape shape)
    {
        var t = Grid.GlobalIndex.X;
        int cols = shape.Cols, half = shape.Half;
        if (t >= shape.Pairs)
        {
            return;
        }
        var pairsPerRow = cols / 2;
        var row = t / pairsPerRow;
        var j = t - (row * pairsPerRow);
        var head = j / half;
        var i = j - (head * half);
        var lo = (row * cols) + (head * 2 * half) + i;
        var hi = lo + half;
        var angle = (positions[row] * half) + i;
        float a = x[lo], b = x[hi], c = cos[angle], s = sin[angle];
        x[lo] = (a * c) - (b * s);
        x[hi] = (b * c) + (a * s);
    }

    /// <summary>
    /// Rotates the first <paramref name="rows"/> rows. <paramref name="hostPositions"/> is the host copy of
    /// <paramref name="positions"/>, checked here against the table (a kernel cannot report a bad index).
    /// </summary>
    public static void Launch(
        KernelContext context, AcceleratorStream stream, ArrayView<float> x, int rows, int cols, int headDim,
        ArrayView<int> positions, ReadOnlySpan<int> hostPositions, ArrayView<float> cos, ArrayView<float> sin, int maxPositions)
    {
        ArgumentNullException.ThrowIfNull(context);
        var half = headDim / 2;
        if (headDim <= 0 || headDim % 2 != 0 || cols % headDim != 0 || rows < 0 || (long)rows * cols > x.Length
            || hostPositions.Length < rows || positions.Length < rows || cos.Length < (long)maxPositions * half || sin.Length < (long)maxPositions * half)
        {
            throw new ArgumentException(
                $"{nameof(RotateHalfRope)}: {rows} rows of {cols} with head_dim {headDim} need {(long)rows * cols} elements, {rows} positions and a table of {maxPositions}·{half}; got {x.Length}, {positions.Length} ({hostPositions.Length} on the host), {cos.Length}/{sin.Length}.");
        }
        for (var r = 0; r < rows; r++)
        {
            if ((uint)hostPositions[r] >= (uint)maxPositions)
            {
                throw new ArgumentOutOfRangeException(nameof(hostPositions), $"Position {hostPositions[r]} (row {r}) is outside the rope table (0..{maxPositions - 1}).");
            }
        }
        var pairs = rows * cols / 2;
        if (pairs == 0)
        {
            return;
        }
        context.Load(Entry)(stream, RowShapes.OneThreadPerElement(pairs), x, positions, cos, sin, new Shape(cols, half, pairs));
    }
}
