using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// Skew (S6, §7.11) on the device, as the CPU's <c>Skew</c>: on the final probabilities in descending order (ties by
/// id, <see cref="RowSort"/>), F_j = cumulative mass (double, a chunked scan), F'_j = F_j^(e^skew), p'_j = F'_j − F'_{j−1};
/// then ℓ ← ln p' (−∞ where p' = 0) and probs ← p'. ILGPU's fp64 pow is a software routine with a stack frame, and
/// F'_j − F'_{j−1} of two float32 powers near 1 cancels (1e−4 relative on a tail p', enough to reorder near-equal
/// p' and change the draw), so the difference is taken as F'_{j−1} · expm1(e · log1p(p_j / F_{j−1})) in float32:
/// ~3e−7 relative on every p'. A NaN p' counts as removed.
/// </summary>
public static class SkewKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<ulong>, ArrayView<RowSamplingParams>, ArrayView<int>, SortShape> Entry = Kernel;

    /// <param name="logits">(rows, vocab), rewritten to ln p'.</param>
    /// <param name="probs">(rows, vocab): the S5 distribution in, p' out.</param>
    /// <param name="keys">(rows, keyStride) scratch: the sorted order.</param>
    public static void Kernel(ArrayView<float> logits, ArrayView<float> probs, ArrayView<ulong> keys, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, SortShape shape)
    {
        var row = rows[Grid.IdxX];
        var vocab = shape.Vocab;
        var start = row * vocab;
        var keyStart = row * shape.KeyStride;
        if (!RowMath.Softmax(logits, probs, start, vocab))
        {
            return;
        }
        var alive = RowSort.SortAlive(logits, probs, keys, start, keyStart, vocab);
        var exponent = XMath.Exp(parameters[row].Skew);
        var chunk = RowSort.Chunk(alive);
        var first = Group.IdxX * chunk;
        var last = XMath.Min(first + chunk, alive);
        var partial = 0.0;
        for (var j = first; j < last; j++)
        {
            partial += probs[start + OrderKey.IdOf(keys[keyStart + j])];
        }
        var cumulative = RowSort.ExclusivePrefix(partial);
        for (var j = first; j < last; j++)
        {
            var id = OrderKey.IdOf(keys[keyStart + j]);
            var p = probs[start + id];
            var q = cumulative > 0.0
                ? XMath.Pow((float)cumulative, exponent) * ExpM1(exponent * Log1P((float)(p / cumulative)))
                : XMath.Pow(p, exponent);
            cumulative += p;
            q = XMath.IsNaN(q) || q < 0f ? 0f : q;
            probs[start + id] = q;
            logits[start + id] = q > 0f ? XMath.Log(q) : float.NegativeInfinity;
        }
        Group.Barrier();
    }

    // ln(1 + x) without the cancellation of 1 + x for small x (Goldberg's correction).
    private static float Log1P(float x)
    {
        var w = 1f + x;
        return w == 1f ? x : XMath.Log(w) * x / (w - 1f);
    }

    // e^y − 1 without the cancellation near y = 0 (Kahan's correction).
    private static float ExpM1(float y)
    {
        var u = XMath.Exp(y);
        if (u == 1f)
        {
            return y;
        }
        var um1 = u - 1f;
        return um1 == -1f ? -1f : um1 * y / XMath.Log(u);
    }
}
