using System.Numerics.Tensors;

namespace Engine.Sampling;

/// <summary>
/// TOP_P_TOP_K (id 0, §7.2), one step, top-k first. Top-k keeps ℓ ≥ the k-th largest alive logit (ties at
/// the boundary survive), found by a histogram pass and a quickselect inside one bin. Top-p then works on the survivors' distribution: in descending order (ties by
/// id) token j survives iff the mass strictly above it, C_j, is &lt; top_p. Top-p sorts only the exponent bucket where the
/// cumulative mass crosses top_p (<see cref="ExponentBuckets"/>).
/// </summary>
internal static class TopKTopP
{
    public static bool IsTopKActive(int k) => k > 0;

    public static bool IsTopPActive(float topP) => topP < 1f - 1e-5f;

    public static void ApplyTopK(Span<float> logits, int k, SamplerWorkspace ws)
    {
        // The k-th largest alive logit, counting equal values separately: a 256-bin histogram over
        // [min, max] finds the bin holding rank k, and quickselect runs on that bin's values only.
        var n = 0;
        var max = float.NegativeInfinity;
        var min = float.PositiveInfinity;
        foreach (var l in logits)
        {
            if (l > float.NegativeInfinity)
            {
                n++;
                max = Math.Max(max, l);
                min = Math.Min(min, l);
            }
        }
        if (n <= k)
        {
            return;
        }
        var kth = max;
        if (max > min)
        {
            var bins = ws.Counts.AsSpan(0, Math.Min(HistogramBins, ws.Counts.Length));
            var scale = (bins.Length - 1) / ((double)max - min);
            foreach (var l in logits)
            {
                if (l > float.NegativeInfinity)
                {
                    bins[Bin(l, max, scale)]++;
                }
            }
            var bin = 0;
            var before = 0;
            while (before + bins[bin] < k)
            {
                before += bins[bin++];
            }
            bins.Clear(); // Counts is all-zero between uses
            var values = ws.Scratch.AsSpan();
            var m = 0;
            foreach (var l in logits)
            {
                if (l > float.NegativeInfinity && Bin(l, max, scale) == bin)
                {
                    values[m++] = l;
                }
            }
            kth = KthLargest(values[..m], k - 1 - before);
        }
        if (Probabilities.RemoveBelow(logits, logits, kth, -1))
        {
            ws.ProbsValid = false;
        }
    }

    private const int HistogramBins = 256;

    /// <summary>Bin 0 holds the largest values; the same expression in both passes keeps the bins consistent.</summary>
    private static int Bin(float l, float max, double scale) => (int)((max - (double)l) * scale);

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
        var mass = ws.BucketMass.AsSpan();
        ExponentBuckets.Accumulate(logits, probs, mass);
        var keys = ws.Keys.AsSpan();
        var above = 0.0;
        for (var e = ExponentBuckets.Count - 1; e >= 0; e--)
        {
            if (mass[e] <= 0 && e > 0)
            {
                continue;
            }
            // Every token of this bucket has C_j < top_p when even the bucket's end stays below it: keep it whole.
            if (above + mass[e] < topP - ExponentBuckets.Margin)
            {
                above += mass[e];
                continue;
            }
            var n = ExponentBuckets.Collect(logits, probs, e, keys, ws.SortScratch);
            for (var j = 0; j < n; j++)
            {
                if (above >= topP)
                {
                    // Cut here: this token, the rest of the bucket and every lower bucket.
                    for (var r = j; r < n; r++)
                    {
                        logits[DescendingOrder.IdOf(keys[r])] = float.NegativeInfinity;
                    }
                    Probabilities.RemoveBelow(logits, probs, ExponentBuckets.LowerBound(e), -1);
                    ws.ProbsValid = false;
                    return;
                }
                above += probs[DescendingOrder.IdOf(keys[j])];
            }
        }
    }
}
