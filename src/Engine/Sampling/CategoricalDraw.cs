namespace Engine.Sampling;

/// <summary>
/// Selection (§8.1): order alive tokens by p descending (ties by id), accumulate, and pick the first token
/// whose cumulative mass exceeds u · Σp. Only the head of the order is sorted, band by band.
/// </summary>
internal static class CategoricalDraw
{
    public static int Draw(ReadOnlySpan<float> logits, ReadOnlySpan<float> probs, float u, SamplerWorkspace ws)
    {
        var total = 0.0;
        foreach (var p in probs)
        {
            total += p;
        }
        var target = u * total;
        var keys = ws.Keys.AsSpan();
        var top = Probabilities.ArgMax(probs);
        var hi = float.PositiveInfinity;
        var lo = probs[top] * (1f / 256f);
        var count = 0;
        var next = 0;
        var cumulative = 0.0;
        var lastPositive = top;
        while (true)
        {
            count = DescendingOrder.AppendBand(logits, probs, lo, hi, keys, count);
            for (; next < count; next++)
            {
                var id = DescendingOrder.IdOf(keys[next]);
                if (probs[id] > 0f)
                {
                    lastPositive = id;
                }
                cumulative += probs[id];
                if (cumulative > target)
                {
                    return id;
                }
            }
            if (float.IsNegativeInfinity(lo))
            {
                // Rounding left the running sum at or below u·Σp: the last token with mass is the end of the order.
                return lastPositive;
            }
            hi = lo;
            lo = DescendingOrder.NextProbabilityBound(lo);
        }
    }
}
