namespace Engine.Sampling;

/// <summary>
/// Skew (S6, §7.11), on the final probabilities: in descending order (ties by id), F_j = cumulative mass,
/// F'_j = F_j^(e^skew), p'_j = F'_j − F'_{j−1}. Deviation from aph (token-id order), see §14 Q2.
/// The caller sets ℓ ← ln p'.
/// </summary>
internal static class Skew
{
    public static bool IsActive(float skew) => Math.Abs(skew) > 1e-5f;

    public static void Apply(ReadOnlySpan<float> logits, Span<float> probs, float skew, SamplerWorkspace ws)
    {
        var keys = ws.Keys.AsSpan();
        var count = DescendingOrder.SortAll(logits, probs, keys, ws.SortScratch);
        var exponent = Math.Exp(skew);
        var cumulative = 0.0;
        var previous = 0.0;
        for (var j = 0; j < count; j++)
        {
            var id = DescendingOrder.IdOf(keys[j]);
            cumulative += probs[id];
            var bent = Math.Pow(cumulative, exponent);
            probs[id] = (float)(bent - previous);
            previous = bent;
        }
    }
}
