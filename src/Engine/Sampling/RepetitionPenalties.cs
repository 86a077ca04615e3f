namespace Engine.Sampling;

/// <summary>
/// PENALTIES (id 6, samplers.md §5.1–5.3), in this order: repetition over prompt ∪ output
/// (ℓ/r for ℓ &gt; 0, ℓ·r otherwise, once per distinct token), then frequency ℓ −= α_f·count_out,
/// then presence ℓ −= α_p·[count_out &gt; 0]. Each part is skipped when inactive (|r−1| &lt; 1e−5, |α| &lt; 1e−5).
/// </summary>
internal static class RepetitionPenalties
{
    public static bool IsActive(SamplingParams p) =>
        Math.Abs(p.RepetitionPenalty - 1f) >= 1e-5f || Math.Abs(p.FrequencyPenalty) >= 1e-5f || Math.Abs(p.PresencePenalty) >= 1e-5f;

    public static void Apply(Span<float> logits, ReadOnlySpan<int> prompt, ReadOnlySpan<int> output, SamplingParams p, SamplerWorkspace ws)
    {
        var counts = ws.Counts;
        var v = logits.Length;
        var r = p.RepetitionPenalty;
        if (Math.Abs(r - 1f) >= 1e-5f)
        {
            // counts[] as a "seen" mark so each distinct token is penalised once; cleared by the second pass.
            PenaliseOnce(logits, prompt, counts, r);
            PenaliseOnce(logits, output, counts, r);
            Clear(prompt, counts, v);
            Clear(output, counts, v);
        }
        var freq = Math.Abs(p.FrequencyPenalty) >= 1e-5f ? p.FrequencyPenalty : 0f;
        var pres = Math.Abs(p.PresencePenalty) >= 1e-5f ? p.PresencePenalty : 0f;
        if (freq == 0f && pres == 0f)
        {
            return;
        }
        foreach (var t in output)
        {
            if ((uint)t < (uint)v)
            {
                counts[t]++;
            }
        }
        foreach (var t in output)
        {
            if ((uint)t >= (uint)v || counts[t] == 0)
            {
                continue;
            }
            if (freq != 0f)
            {
                logits[t] -= freq * counts[t];
            }
            if (pres != 0f)
            {
                logits[t] -= pres;
            }
            counts[t] = 0;
        }
    }

    private static void PenaliseOnce(Span<float> logits, ReadOnlySpan<int> tokens, int[] seen, float r)
    {
        foreach (var t in tokens)
        {
            if ((uint)t >= (uint)logits.Length || seen[t] != 0)
            {
                continue;
            }
            seen[t] = 1;
            var l = logits[t];
            logits[t] = l > 0 ? l / r : l * r;
        }
    }

    private static void Clear(ReadOnlySpan<int> tokens, int[] counts, int v)
    {
        foreach (var t in tokens)
        {
            if ((uint)t < (uint)v)
            {
                counts[t] = 0;
            }
        }
    }
}
