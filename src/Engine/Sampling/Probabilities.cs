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
