using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda;

/// <summary>
/// Fused residual add and RMSNorm, one group per row: x[r] += delta[r]; output[r] = rmsnorm(x[r]) ⊙ weight.
/// Each thread re-reads only the elements it wrote, so the second pass needs no barrier beyond the reduction's.
/// </summary>
public static class AddRmsNorm
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float> Entry = Kernel;

    public static void Kernel(ArrayView<float> x, ArrayView<float> delta, ArrayView<float> weight, ArrayView<float> output, int cols, float eps)
    {
        var rowStart = Grid.IdxX * cols;
        var sumOfSquares = 0f;
        for (var c = Group.IdxX; c < cols; c += Group.DimX)
        {
            var v = x[rowStart + c] + delta[rowStart + c];
            x[rowStart + c] = v;
            sumOfSquares += v * v;
        }
        var scale = RmsNorm.InverseRms(Reductions.GroupSum(sumOfSquares), cols, eps);
        for (var c = Group.IdxX; c < cols; c += Group.DimX)
        {
            output[rowStart + c] = x[rowStart + c] * scale * weight[c];
        }
    }

    public static void Launch(KernelContext context, AcceleratorStream stream, ArrayView<float> x, ArrayView<float> delta, ArrayView<float> weight, ArrayView<float> output, int rows, int cols, float eps)
    {
        ArgumentNullException.ThrowIfNull(context);
        RowShapes.Check(nameof(AddRmsNorm), rows, cols, x.Length, output.Length, weight.Length);
        RowShapes.Check(nameof(AddRmsNorm) + " delta", rows, cols, delta.Length, output.Length, weight.Length);
        if (rows == 0)
        {
            return;
        }
        context.Load(Entry)(stream, RowShapes.OneGroupPerRow(rows, cols), x, delta, weight, output, cols, eps);
    }
}
