namespace Engine.Sampling;

/// <summary>
/// DRY (id 7, §5.5): penalise the token that would extend a repetition of an earlier stretch of h,
/// by <c>multiplier · base^(m − allowed)</c> for match length m ≥ allowed. Follows the spec's algorithm
/// step by step (range cut, breaker run length C, endpoints from latest to earliest capped by
/// max_occurrences, early exit).
/// </summary>
internal static class Dry
{
    public static bool IsActive(SamplingParams p) => p.DryMultiplier > 1e-5f;

    /// <param name="breakers">Sorted breaker ids.</param>
    /// <param name="counts">All-zero scratch, used as m(t) per candidate token and cleared again.</param>
    public static void Apply(Span<float> logits, ReadOnlySpan<int> prompt, ReadOnlySpan<int> output, SamplingParams p,
        ReadOnlySpan<int> breakers, int[] counts)
    {
        var h = new TokenHistory(prompt, output, p.DryRange);
        var len = h.Length;
        if (len < 2)
        {
            return;
        }
        var last = len - 1;
        var x = h[last];
        if (breakers.BinarySearch(x) >= 0)
        {
            return;
        }
        // Step 3: C = length of the trailing breaker-free run (x included), capped.
        var c = 0;
        while (c < len && breakers.BinarySearch(h[last - c]) < 0)
        {
            c++;
        }
        c = Math.Min(c, Math.Min(p.DryMaxNgram, len - 1));
        if (c <= p.DryAllowedLength)
        {
            return;
        }
        // Steps 4–5: endpoints e < last with h[e] = x, latest first. counts[t] holds the best m(t) so far.
        var visited = 0;
        var any = false;
        for (var e = last - 1; e >= 0; e--)
        {
            if (h[e] != x)
            {
                continue;
            }
            if (p.DryMaxOccurrences > 0 && visited == p.DryMaxOccurrences)
            {
                break;
            }
            visited++;
            var limit = Math.Min(e, c);
            var k = 0;
            while (k < limit)
            {
                var u = k + 1;
                var prev = h[e - u];
                if (breakers.BinarySearch(prev) >= 0 || prev != h[last - u])
                {
                    break;
                }
                k = u;
            }
            if (k == 0)
            {
                continue;
            }
            var t = h[e + 1];
            if ((uint)t < (uint)logits.Length)
            {
                any = true;
                counts[t] = Math.Max(counts[t], k + 1);
            }
            if (k + 1 >= p.DryEarlyExitMatchLen)
            {
                break;
            }
        }
        if (!any)
        {
            return;
        }
        // Step 6: penalise each candidate once, then clear the marks (counts stays all-zero between uses).
        for (var e = last - 1; e >= 0; e--)
        {
            if (h[e] != x)
            {
                continue;
            }
            var t = h[e + 1];
            if ((uint)t >= (uint)logits.Length || counts[t] == 0)
            {
                continue;
            }
            var m = counts[t];
            counts[t] = 0;
            if (m >= p.DryAllowedLength)
            {
                logits[t] -= (float)(p.DryMultiplier * Math.Pow(p.DryBase, m - p.DryAllowedLength));
            }
        }
    }
}
