namespace Engine.Sampling;

/// <summary>
/// XTC (id 13, §7.10): with probability xtc_probability (coin u(seed, choice, step, 1)), remove every token
/// with p ≥ threshold except the least likely of them (ties: the highest id is kept), when there are at
/// least two. Active only when both parameters are &gt; 0 (§11 D6).
/// </summary>
internal static class Xtc
{
    public static bool IsActive(SamplingParams p) => p.XtcProbability > 0f && p.XtcThreshold > 0f;

    public static void Apply(Span<float> logits, float threshold, float probability, float coin, SamplerWorkspace ws)
    {
        if (coin >= probability)
        {
            return;
        }
        var probs = ws.ProbabilitiesOf(logits);
        var keys = ws.Keys.AsSpan();
        var c = DescendingOrder.AppendBand(logits, probs, threshold, float.PositiveInfinity, keys, 0, ws.SortScratch);
        if (c < 2)
        {
            return;
        }
        for (var j = 0; j < c - 1; j++)
        {
            logits[DescendingOrder.IdOf(keys[j])] = float.NegativeInfinity;
        }
        ws.ProbsValid = false;
    }
}
