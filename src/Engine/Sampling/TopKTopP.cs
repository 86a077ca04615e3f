using System.Numerics.Tensors;

namespace Engine.Sampling;

/// <summary>
/// TOP_P_TOP_K (id 0, §7.2), one step, top-k first. Top-k keeps ℓ ≥ the k-th largest alive logit (ties at
/// the boundary survive). Top-p then works on the survivors' distribution: in descending order (ties by
/// id) token j survives iff the mass strictly above it, C_j, is &lt; top_p. Both sort only the head of the
/// vocabulary, band by band (<see cref="DescendingOrder"/>), which gives exactly the full sort's result.
/// </summary>
internal static class TopKTopP
{
    public static bool IsTopKActive(int k) => k > 0;

    public static bool IsTopPActive(float topP) => topP < 1f - 1e-5f;

    public static void ApplyTopK(Span<float> logits, int k, SamplerWorkspace ws)
    {
        if (Probabilities.AliveCount(logits) <= k)
        {
            return;
        }
        var keys = ws.Keys.AsSpan();
        var hi = float.PositiveInfinity;
        var max = TensorPrimitives.Max(logits);
        var width = 4f;
        var count = 0;
        while (true)
        {
            var lo = width > 1e6f ? float.NegativeInfinity : max - width;
            count = DescendingOrder.AppendBand(logits, logits, lo, hi, keys, count);
            if (count >= k)
            {
                var kth = logits[DescendingOrder.IdOf(keys[k - 1])];
                if (Probabilities.RemoveBelow(logits, logits, kth, -1))
                {
                    ws.ProbsValid = false;
                }
                return;
            }
            hi = lo;
            width *= 4f;
        }
    }

    public static void ApplyTopP(Span<float> logits, float topP, SamplerWorkspace ws)
    {
        var probs = ws.ProbabilitiesOf(logits);
        var keys = ws.Keys.AsSpan();
        var hi = float.PositiveInfinity;
        var lo = probs[Probabilities.ArgMax(probs)] * (1f / 256f);
        var count = 0;
        var above = 0.0;
        var next = 0;
        while (true)
        {
            count = DescendingOrder.AppendBand(logits, probs, lo, hi, keys, count);
            for (; next < count; next++)
            {
                if (above >= topP)
                {
                    // Cut here: this token, the rest of the band and every token below the band.
                    for (var j = next; j < count; j++)
                    {
                        logits[DescendingOrder.IdOf(keys[j])] = float.NegativeInfinity;
                    }
                    Probabilities.RemoveBelow(logits, probs, lo, -1);
                    ws.ProbsValid = false;
                    return;
                }
                above += probs[DescendingOrder.IdOf(keys[next])];
            }
            if (float.IsNegativeInfinity(lo))
            {
                return;
            }
            hi = lo;
            lo = DescendingOrder.NextProbabilityBound(lo);
        }
    }
}
