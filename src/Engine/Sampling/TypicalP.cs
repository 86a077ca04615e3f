namespace Engine.Sampling;

/// <summary>
/// TYPICAL_P (id 4, §7.8), aph-0.6 exactly: δ_i = |−H(p) − ln p_i|, sorted ascending (ties by id); walking
/// that order with running mass S, a token is removed when S after adding it is ≥ typical_p, except the
/// first token, which always survives (unlike Hugging Face, the crossing token is removed).
/// </summary>
internal static class TypicalP
{
    public static bool IsActive(float typicalP) => typicalP < 1f - 1e-5f;

    public static void Apply(Span<float> logits, float typicalP, SamplerWorkspace ws)
    {
        var probs = ws.ProbabilitiesOf(logits);
        var keys = ws.Keys.AsSpan();
        var negEntropy = -Probabilities.Entropy(probs);
        var count = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            if (logits[i] > float.NegativeInfinity)
            {
                // ln 0 = −∞ gives δ = +∞: an alive token whose probability underflowed sorts last.
                var delta = (float)Math.Abs(negEntropy - Math.Log(probs[i]));
                keys[count++] = DescendingOrder.AscendingKey(delta, i);
            }
        }
        if (count == 0)
        {
            return;
        }
        KeyRadixSort.Sort(keys[..count], ws.SortScratch);
        var mass = (double)probs[DescendingOrder.IdOf(keys[0])];
        var removed = false;
        for (var j = 1; j < count; j++)
        {
            var id = DescendingOrder.IdOf(keys[j]);
            mass += probs[id];
            if (mass >= typicalP)
            {
                for (var r = j; r < count; r++)
                {
                    logits[DescendingOrder.IdOf(keys[r])] = float.NegativeInfinity;
                }
                removed = true;
                break;
            }
        }
        // typical_p = 0: only the first (most typical) token survives; S after it is ≥ 0 but it is exempt.
        if (removed)
        {
            ws.ProbsValid = false;
        }
    }
}
