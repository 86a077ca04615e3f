using System.Numerics.Tensors;

namespace Engine.Backends.Cpu;

/// <summary>RMSNorm of one row: out = x / sqrt(mean(x²) + eps) ⊙ weight (sum of squares in float32, as llama2.c).</summary>
internal static class RmsNorm
{
    public static void Row(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> output)
    {
        var meanSquare = TensorPrimitives.SumOfSquares(x) / x.Length;
        var scale = 1f / MathF.Sqrt(meanSquare + eps);
        TensorPrimitives.Multiply(x, scale, output);
        TensorPrimitives.Multiply(output, weight, output);
    }
}
