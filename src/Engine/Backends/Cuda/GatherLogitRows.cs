using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda;

/// <summary>
/// output[i] = x[indices[i]] for the rows whose logits are wanted (the last row of each sampling sequence, or every
/// prompt row for prompt logprobs), so the classifier runs on those rows only. One thread per output element.
/// </summary>
public static class GatherLogitRows
{
    public static readonly Action<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int> Entry = Kernel;

    /// <param name="x">(tokens, cols).</param>
    /// <param name="indices">(count) row of x for each output row.</param>
    /// <param name="output">(count, cols).</param>
    public static void Kernel(ArrayView<float> x, ArrayView<int> indices, ArrayView<float> output, int cols, int elements)
    {
        var i = Grid.GlobalIndex.X;
        if (i < elements)
        {
            var row = i / cols;
            output[i] = x[(indices[row] * cols) + (i - (row * cols))];
        }
    }

    /// <summary>Gathers hostIndices.Length rows; <paramref name="hostIndices"/> is the host copy of <paramref name="indices"/>, checked against x's rows here.</summary>
    public static void Launch(KernelContext context, AcceleratorStream stream, ArrayView<float> x, int xRows, int cols,
        ArrayView<int> indices, ReadOnlySpan<int> hostIndices, ArrayView<float> output)
    {
        ArgumentNullException.ThrowIfNull(context);
        var count = hostIndices.Length;
        if (cols <= 0 || (long)xRows * cols > x.Length || indices.Length < count || (long)count * cols > output.Length)
        {
            throw new ArgumentException(
                $"{nameof(GatherLogitRows)}: {count} rows of {cols} from {xRows} need {(long)xRows * cols} inputs, {count} indices and {(long)count * cols} outputs; got {x.Length}, {indices.Length}, {output.Length}.");
        }
        for (var i = 0; i < count; i++)
        {
            if ((uint)hostIndices[i] >= (uint)xRows)
            {
                throw new ArgumentOutOfRangeException(nameof(hostIndices), $"Logit row {hostIndices[i]} (entry {i}) is outside the batch's {xRows} rows.");
            }
        }
        var elements = count * cols;
        if (elements > 0)
        {
            context.Load(Entry)(stream, RowShapes.OneThreadPerElement(elements), x, indices, output, cols, elements);
        }
    }
}
