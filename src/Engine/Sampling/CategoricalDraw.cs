namespace Engine.Sampling;

/// <summary>
/// Selection (§8.1): order alive tokens by p descending (ties by id), accumulate, and pick the first token
/// whose cumulative mass exceeds u · Σp. Walks <see cref="ExponentBuckets"/> from the top and sorts only
/// the bucket in which the running mass crosses the target.
/// </summary>
internal static class CategoricalDraw
{
    public static int Draw(ReadOnlySpan<float> logits, ReadOnlySpan<float> probs, float u, SamplerWorkspace ws)
    {
        var mass = ws.BucketMass.AsSpan();
        ExponentBuckets.Accumulate(logits, probs, mass);
        var total = 0.0;
        foreach (var m in mass)
        {
            total += m;
        }
        var target = u * total;
        var keys = ws.Keys.AsSpan();
        var cumulative = 0.0;
        var lowest = -1;
        for (var e = ExponentBuckets.Count - 1; e >= 0; e--)
        {
            if (mass[e] <= 0)
            {
                continue;
            }
            lowest = e;
            if (cumulative + mass[e] < target - ExponentBuckets.Margin)
            {
                cumulative += mass[e];
                continue;
            }
            var n = ExponentBuckets.Collect(logits, probs, e, keys, ws.SortScratch);
            for (var j = 0; j < n; j++)
            {
                var id = DescendingOrder.IdOf(keys[j]);
                cumulative += probs[id];
                if (cumulative > target)
                {
                    return id;
                }
            }
        }
        if (lowest < 0)
        {
            return Probabilities.ArgMax(probs);
        }
        // Rounding left the running sum at or below u·Σp: the last token with mass ends the order.
        var count = ExponentBuckets.Collect(logits, probs, lowest, keys, ws.SortScratch);
        return DescendingOrder.IdOf(keys[count - 1]);
    }
}
