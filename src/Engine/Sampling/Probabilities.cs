using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Sampling;

/// <summary>Vectorised helpers shared by the samplers: softmax over alive tokens, alive counts, entropy and masked removal.</summary>
internal static class Probabilities
{
    /// <summary>p = softmax(ℓ) in float32 (S5); removed tokens (ℓ = −∞) get 0; a row with nothing alive gets all zeros (§3.7 rule 2).</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probs)
    {
        var max = TensorPrimitives.Max(logits);
        if (float.IsNegativeInfinity(max))
        {
            probs.Clear();
            return;
        }
        TensorPrimitives.Subtract(logits, max, probs);
        TensorPrimitives.Exp(probs, probs);
        var sum = TensorPrimitives.Sum(probs);
        TensorPrimitives.Divide(probs, sum, probs);
    }

    /// <summary>
    /// Makes a final distribution safe to draw from and rank: a stage fed extreme but finite parameters (skew, Mirostat's
    /// q) can still overflow to +∞ or NaN, and one such entry would hang or break every walk over the order. When
    /// Σp is finite nothing changes (one vectorised pass); otherwise the +∞ entries share the mass equally (as
    /// saturated logits do), else the NaN entries count as removed, and the rest is renormalised. Returns false when
    /// no mass is left (then every entry is 0).
    /// </summary>
    public static bool MakeFinite(Span<float> probs)
    {
        var sum = TensorPrimitives.Sum(probs);
        if (float.IsFinite(sum))
        {
            return true;
        }
        var infinite = probs.IndexOf(float.PositiveInfinity) >= 0;
        for (var i = 0; i < probs.Length; i++)
        {
            var p = probs[i];
            probs[i] = infinite ? (float.IsPositiveInfinity(p) ? 1f : 0f) : (float.IsNaN(p) || p < 0f ? 0f : p);
        }
        sum = TensorPrimitives.Sum(probs);
        if (!(sum > 0f) || !float.IsFinite(sum))
        {
            probs.Clear();
            return false;
        }
        TensorPrimitives.Divide(probs, sum, probs);
        return true;
    }

    /// <summary>Number of alive tokens (finite logits).</summary>
    public static int AliveCount(ReadOnlySpan<float> logits)
    {
        var count = 0;
        var i = 0;
        var negInf = new Vector<float>(float.NegativeInfinity);
        for (; i <= logits.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var alive = Vector.GreaterThan(new Vector<float>(logits[i..]), negInf);
            count -= Vector.Sum(alive);
        }
        for (; i < logits.Length; i++)
        {
            if (logits[i] > float.NegativeInfinity)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>H(p) = −Σ p ln p in nats; terms with p = 0 count as 0 (§2).</summary>
    public static double Entropy(ReadOnlySpan<float> probs)
    {
        var h = 0.0;
        foreach (var p in probs)
        {
            if (p > 0)
            {
                h -= p * Math.Log(p);
            }
        }
        return h;
    }

    /// <summary>The argmax token of §2: the lowest id among the maximal values.</summary>
    public static int ArgMax(ReadOnlySpan<float> values) => TensorPrimitives.IndexOfMax(values);

    /// <summary>
    /// Removes every token whose <paramref name="values"/> entry is below <paramref name="threshold"/>
    /// (ℓ_i ← −∞), except <paramref name="keep"/> (−1 for none). Returns whether an alive token was removed.
    /// </summary>
    public static bool RemoveBelow(Span<float> logits, ReadOnlySpan<float> values, float threshold, int keep)
    {
        var kept = keep >= 0 ? logits[keep] : 0f;
        var removed = Vector<int>.Zero;
        var negInf = new Vector<float>(float.NegativeInfinity);
        var t = new Vector<float>(threshold);
        var i = 0;
        for (; i <= logits.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var l = new Vector<float>(logits[i..]);
            var below = Vector.LessThan(new Vector<float>(values[i..]), t);
            removed |= below & Vector.GreaterThan(l, negInf);
            Vector.ConditionalSelect(below, negInf, l).CopyTo(logits[i..]);
        }
        var any = removed != Vector<int>.Zero;
        for (; i < logits.Length; i++)
        {
            if (values[i] < threshold)
            {
                any |= logits[i] > float.NegativeInfinity;
                logits[i] = float.NegativeInfinity;
            }
        }
        if (keep >= 0)
        {
            // Restoring the guarded token; "any" may then over-report, which only costs a softmax recompute.
            logits[keep] = kept;
        }
        return any;
    }
}
