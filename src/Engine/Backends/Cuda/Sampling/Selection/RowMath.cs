using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// The per-row helpers of the CPU's <c>Probabilities</c> and <c>LogitConstraints.Saturate</c>, as group functions
/// over row <c>[start, start + n)</c>: every thread of the group calls them and gets the result.
/// </summary>
internal static class RowMath
{
    /// <summary>Number of alive tokens (ℓ &gt; −∞).</summary>
    public static int AliveCount(ArrayView<float> logits, int start, int n)
    {
        var count = 0;
        for (var i = Group.IdxX; i < n; i += Group.DimX)
        {
            count += logits[start + i] > float.NegativeInfinity ? 1 : 0;
        }
        return RowReductions.Sum(count);
    }

    public static float Max(ArrayView<float> x, int start, int n)
    {
        var max = float.NegativeInfinity;
        for (var i = Group.IdxX; i < n; i += Group.DimX)
        {
            max = XMath.Max(max, x[start + i]);
        }
        return RowReductions.Max(max);
    }

    /// <summary>p = softmax(ℓ) in float32, exactly the CPU's formula (p = e^(ℓ − max) / Σ); all zeros when nothing is alive (returns false).</summary>
    public static bool Softmax(ArrayView<float> logits, ArrayView<float> probs, int start, int n)
    {
        var max = Max(logits, start, n);
        if (max == float.NegativeInfinity)
        {
            for (var i = Group.IdxX; i < n; i += Group.DimX)
            {
                probs[start + i] = 0f;
            }
            Group.Barrier();
            return false;
        }
        var sum = 0f;
        for (var i = Group.IdxX; i < n; i += Group.DimX)
        {
            var e = XMath.Exp(logits[start + i] - max);
            probs[start + i] = e;
            sum += e;
        }
        sum = Reductions.GroupSum(sum);
        for (var i = Group.IdxX; i < n; i += Group.DimX)
        {
            probs[start + i] /= sum;
        }
        Group.Barrier();
        return true;
    }

    /// <summary>
    /// H(p) = −Σ p ln p in nats, accumulated in double as the CPU does; p = 0 terms count 0. ln is float32 (the CPU
    /// takes it in double): ILGPU has no fp64 log on PTX but a software CORDIC that needs a stack frame; the
    /// difference is ~1e−7 relative per term.
    /// </summary>
    public static double Entropy(ArrayView<float> probs, int start, int n)
    {
        var h = 0.0;
        for (var i = Group.IdxX; i < n; i += Group.DimX)
        {
            var p = probs[start + i];
            if (p > 0f)
            {
                h -= p * (double)XMath.Log(p);
            }
        }
        return RowReductions.Sum(h);
    }

    /// <summary>The argmax of §2: the lowest id among the maximal values.</summary>
    public static int ArgMax(ArrayView<float> x, int start, int n)
    {
        var max = Max(x, start, n);
        var id = int.MaxValue;
        for (var i = Group.IdxX; i < n; i += Group.DimX)
        {
            if (x[start + i] == max && i < id)
            {
                id = i;
            }
        }
        return RowReductions.Min(id);
    }

    /// <summary>ℓ_i ← −∞ where values_i &lt; threshold, except token <paramref name="keep"/> (−1: none).</summary>
    public static void RemoveBelow(ArrayView<float> logits, ArrayView<float> values, int start, int n, float threshold, int keep)
    {
        for (var i = Group.IdxX; i < n; i += Group.DimX)
        {
            if (i != keep && values[start + i] < threshold)
            {
                logits[start + i] = float.NegativeInfinity;
            }
        }
        Group.Barrier();
    }

    /// <summary>NaN → −∞, +∞ → float.MaxValue, after a stage's arithmetic (the CPU's Saturate).</summary>
    public static void Saturate(ArrayView<float> logits, int start, int n)
    {
        for (var i = Group.IdxX; i < n; i += Group.DimX)
        {
            var l = logits[start + i];
            logits[start + i] = XMath.IsNaN(l) ? float.NegativeInfinity : XMath.Min(l, float.MaxValue);
        }
        Group.Barrier();
    }
}
