using System.Numerics.Tensors;

namespace Engine.Sampling;

/// <summary>
/// TOP_P_TOP_K (id 0, §7.2), one step, top-k first. Top-k keeps ℓ ≥ the k-th largest alive logit (ties at
/// the boundary survive), found by quickselect. Top-p then works on the survivors' distribution: in descending order (ties by
/// id) token j survives iff the mass strictly above it, C_j, is &lt; top_p. Top-p sorts only the head of the
/// vocabulary, band by band (<see cref="DescendingOrder"/>), which gives exactly the full sort's result.
/// </summary>
internal static class TopKTopP
{
    public static bool IsTopKActive(int k) => k > 0;

    public static bool IsTopPActive(float topP) => topP < 1f - 1e-5f;

    public static void ApplyTopK(Span<float> logits, int k, SamplerWorkspace ws)
    {
        // The k-th largest alive logit by selection (O(V)), counting equal values separately.
        var alive = ws.Scratch.AsSpan();
        var n = 0;
        foreach (var l in logits)
        {
            if (l > float.NegativeInfinity)
            {
                alive[n++] = l;
            }
        }
        if (n <= k)
        {
            return;
        }
        var kth = KthLargest(alive[..n], k - 1);
        if (Probabilities.RemoveBelow(logits, logits, kth, -1))
        {
            ws.ProbsValid = false;
        }
    }

    /// <summary>Quickselect with a three-way partition (robust to ties): the value at 0-based rank <paramref name="rank"/> in descending order.</summary>
    internal static float KthLargest(Span<float> a, int rank)
    {
        var lo = 0;
        var hi = a.Length - 1;
        while (lo < hi)
        {
            var pivot = MedianOfThree(a[lo], a[lo + ((hi - lo) >> 1)], a[hi]);
            int lt = lo, i = lo, gt = hi;
            while (i <= gt)
            {
                if (a[i] > pivot)
                {
                    (a[lt], a[i]) = (a[i], a[lt]);
                    lt++;
                    i++;
                }
                else if (a[i] < pivot)
                {
                    (a[i], a[gt]) = (a[gt], a[i]);
                    gt--;
                }
                else
                {
                    i++;
                }
            }
            if (rank < lt)
            {
                hi = lt - 1;
            }
            else if (rank > gt)
            {
                lo = gt + 1;
            }
            else
            {
                return pivot;
            }
        }
        return a[lo];
    }

    private static float MedianOfThree(float x, float y, float z) => Math.Max(Math.Min(x, y), Math.Min(Math.Max(x, y), z));

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
