using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda;

/// <summary>gate = silu(gate) ⊙ up, silu(g) = g · (1 / (1 + e^−g)), one thread per element (the CPU backend's order: g · σ(g), then · up).</summary>
public static class SwiGlu
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, int> Entry = Kernel;

    public static void Kernel(ArrayView<float> gate, ArrayView<float> up, int count)
    {
        var i = Grid.GlobalIndex.X;
        if (i < count)
        {
            var g = gate[i];
            var sigmoid = 1f / (1f + XMath.Exp(-g));
            gate[i] = g * sigmoid * up[i];
        }
    }

    public static void Launch(KernelContext context, AcceleratorStream stream, ArrayView<float> gate, ArrayView<float> up, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(context);
        RowShapes.Check(nameof(SwiGlu), rows, cols, gate.Length, up.Length, cols);
        var count = rows * cols;
        if (count == 0)
        {
            return;
        }
        context.Load(Entry)(stream, RowShapes.OneThreadPerElement(count), gate, up, count);
    }
}
