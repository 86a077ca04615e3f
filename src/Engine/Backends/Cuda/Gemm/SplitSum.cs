using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda.Gemm;

/// <summary>
/// The second pass of split-K: y[i] = Σ_z partials[z · count + i] over the splits in order, one thread per
/// element (the bias is already in split 0's slab). A fixed order, so y's bits do not depend on scheduling.
/// </summary>
public static class SplitSum
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, int, int> Entry = Kernel;

    public static void Kernel(ArrayView<float> partials, ArrayView<float> y, int count, int splits)
    {
        var i = Grid.GlobalIndex.X;
        if (i < count)
        {
            var sum = partials[i];
            for (var z = 1; z < splits; z++)
            {
                sum += partials[((long)z * count) + i];
            }
            y[i] = sum;
        }
    }

    public static void Launch(KernelContext context, AcceleratorStream stream, ArrayView<float> partials, ArrayView<float> y, int count, int splits)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (count < 0 || splits < 1 || partials.Length < (long)count * splits || y.Length < count)
        {
            throw new ArgumentException($"{nameof(SplitSum)}: {splits} slabs of {count} need {(long)count * splits} partial sums and {count} outputs; got {partials.Length} and {y.Length}.");
        }
        if (count > 0)
        {
            context.Load(Entry)(stream, RowShapes.OneThreadPerElement(count), partials, y, count, splits);
        }
    }
}
