using System.Numerics.Tensors;

namespace Engine.Backends.Cpu;

/// <summary>gate = silu(gate) ⊙ up with silu(x) = x · sigmoid(x), one row at a time through a scratch row.</summary>
internal static class SwiGlu
{
    public static void Row(Span<float> gate, ReadOnlySpan<float> up, Span<float> scratch)
    {
        var sigmoid = scratch[..gate.Length];
        TensorPrimitives.Sigmoid(gate, sigmoid);
        TensorPrimitives.Multiply(gate, sigmoid, gate);
        TensorPrimitives.Multiply(gate, up, gate);
    }
}
