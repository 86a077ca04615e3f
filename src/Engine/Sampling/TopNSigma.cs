namespace Engine.Sampling;

/// <summary>
/// TOP_NSIGMA (id 9, §7.1): keep alive tokens with ℓ ≥ max ℓ − n·σ, σ the sample standard deviation
/// (N − 1 denominator) over alive tokens only (deviation from aph, which included −∞ and got NaN). N &lt; 2 → no-op.
/// </summary>
internal static class TopNSigma
{
    public static bool IsActive(SamplingParams p) => p.Nsigma > 1e-5f;

    public static void Apply(Span<float> logits, float n, SamplerWorkspace ws)
    {
        var count = 0;
        var sum = 0.0;
        var max = double.NegativeInfinity;
        foreach (var l in logits)
        {
            if (l > float.NegativeInfinity)
            {
                count++;
                sum += l;
                max = Math.Max(max, l);
            }
        }
        if (count < 2)
        {
            return;
        }
        var mean = sum / count;
        var squares = 0.0;
        foreach (var l in logits)
        {
            if (l > float.NegativeInfinity)
            {
                squares += (l - mean) * (l - mean);
            }
        }
        var sigma = Math.Sqrt(squares / (count - 1));
        var tau = (float)(max - n * sigma);
        if (Probabilities.RemoveBelow(logits, logits, tau, -1))
        {
            ws.ProbsValid = false;
        }
    }
}
