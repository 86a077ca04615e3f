using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda;

/// <summary>
/// RMSNorm, one group per row: output[r] = x[r] · (1 / sqrt(mean(x[r]²) + eps)) ⊙ weight, the sum of squares in
/// float32 (as the CPU backend's <c>Cpu.RmsNorm.Row</c>; only the summation order differs).
/// </summary>
public static class RmsNorm
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float> Entry = Kernel;

    /// <param name="x">(rows, cols) input, row-major.</param>
    /// <param name="weight">(cols) scale.</param>
    /// <param name="output">(rows, cols); may be <paramref name="x"/> itself (each thread writes only elements it read).</param>
    public static void Kernel(ArrayView<float> x, ArrayView<float> weight, ArrayView<float> output, int cols, float eps)
    {
        var rowStart = Grid.IdxX * cols;
        var sumOfSquares = 0f;
        for (var c = Group.IdxX; c < cols; c += Group.DimX)
        {
            var v = x[rowStart + c];
            sumOfSquares += v * v;
        }
        var scale = InverseRms(Reductions.GroupSum(sumOfSquares), cols, eps);
        for (var c = Group.IdxX; c < cols; c += Group.DimX)
        {
            output[rowStart + c] = x[rowStart + c] * scale * weight[c];
        }
    }

    /// <summary>1 / sqrt(sumOfSquares / cols + eps), in the CPU backend's order of operations.</summary>
    internal static float InverseRms(float sumOfSquares, int cols, float eps) => 1f / XMath.Sqrt((sumOfSquares / cols) + eps);

    /// <summary>Normalises the first <paramref name="rows"/> rows of x into output; shapes are checked here, on the host.</summary>
    public static void Launch(KernelContext context, AcceleratorStream stream, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> output, int rows, int cols, float eps)
    {
        ArgumentNullException.ThrowIfNull(context);
        RowShapes.Check(nameof(RmsNorm), rows, cols, x.Length, output.Length, weight.Length);
        if (rows == 0)
        {
            return;
        }
        context.Load(Entry)(stream, RowShapes.OneGroupPerRow(rows, cols), x, weight, output, cols, eps);
    }
}
