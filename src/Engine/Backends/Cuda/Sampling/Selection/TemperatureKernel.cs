using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// TEMPERATURE (§6.1–6.2) on the device, one group per row, the CPU <c>Temperature.Apply</c> step by step: T_eff is
/// the row's temperature or, with dynamic temperature, min + (max − min)·(H(p)/ln N)^exponent over the N alive
/// tokens; NaN or ≤ 2e−5 → 2e−5; below 0.1 ℓ is shifted by −(max ℓ − 1); ℓ ← ℓ / T_eff; then saturated.
/// </summary>
public static class TemperatureKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> Entry = Kernel;

    /// <param name="logits">(rows, vocab), rewritten in place.</param>
    /// <param name="probs">(rows, vocab) scratch for dynamic temperature's softmax.</param>
    /// <param name="rows">The rows this launch runs, one group each.</param>
    public static void Kernel(ArrayView<float> logits, ArrayView<float> probs, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, int vocab)
    {
        var row = rows[Grid.IdxX];
        var start = row * vocab;
        var p = parameters[row];
        var alive = RowMath.AliveCount(logits, start, vocab);
        if (alive == 0)
        {
            return;
        }
        var t = p.Temperature;
        if ((p.Flags & RowSamplingParams.DynatempFlag) != 0)
        {
            RowMath.Softmax(logits, probs, start, vocab);
            // float32 ln and pow (the CPU's are double; ILGPU's fp64 ones are software with a stack frame): ~1e−7 relative on T.
            var normalised = (float)(RowMath.Entropy(probs, start, vocab) / XMath.Log((float)alive));
            t = p.DynatempMin + ((p.DynatempMax - p.DynatempMin) * XMath.Pow(normalised, p.DynatempExponent));
        }
        if (XMath.IsNaN(t) || t <= 2e-5f)
        {
            t = 2e-5f;
        }
        var shift = t < 0.1f ? RowMath.Max(logits, start, vocab) - 1f : 0f;
        for (var i = Group.IdxX; i < vocab; i += Group.DimX)
        {
            var l = t < 0.1f ? logits[start + i] - shift : logits[start + i];
            logits[start + i] = l / t;
        }
        Group.Barrier();
        RowMath.Saturate(logits, start, vocab);
    }
}
