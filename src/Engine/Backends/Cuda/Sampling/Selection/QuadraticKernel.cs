using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// QUADRATIC smoothing (§7.9) on the device: with m = max ℓ, d = ℓ − m, k = f(3 − c)/2, s = f(c − 1)/2,
/// ℓ ← m + s·d³ − k·d² for alive tokens (the CPU's float expression, same order), then saturated.
/// </summary>
public static class QuadraticKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> Entry = Kernel;

    /// <param name="logits">(rows, vocab), rewritten in place.</param>
    /// <param name="probs">unused (the stages share one signature).</param>
    public static void Kernel(ArrayView<float> logits, ArrayView<float> probs, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, int vocab)
    {
        var row = rows[Grid.IdxX];
        var start = row * vocab;
        var m = RowMath.Max(logits, start, vocab);
        if (m == float.NegativeInfinity)
        {
            return;
        }
        var factor = parameters[row].SmoothingFactor;
        var curve = parameters[row].SmoothingCurve;
        var k = factor * (3f - curve) / 2f;
        var s = factor * (curve - 1f) / 2f;
        for (var i = Group.IdxX; i < vocab; i += Group.DimX)
        {
            var l = logits[start + i];
            if (l > float.NegativeInfinity)
            {
                var d = l - m;
                logits[start + i] = m + (s * d * d * d) - (k * d * d);
            }
        }
        Group.Barrier();
        RowMath.Saturate(logits, start, vocab);
    }
}
