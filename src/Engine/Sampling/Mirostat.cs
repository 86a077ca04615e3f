namespace Engine.Sampling;

/// <summary>
/// Mirostat v2 selection (§7.12, llama.cpp semantics): remove tokens with surprisal −log2 p_i &gt; μ except
/// the argmax, renormalise to q, draw from q, then μ ← μ − η·(−log2 q_picked − τ). μ lives in the
/// sequence sampler (initialised to 2τ).
/// </summary>
internal static class Mirostat
{
    /// <summary>Truncates <paramref name="logits"/> by the current μ and leaves q in the workspace's probabilities.</summary>
    public static Span<float> Truncate(Span<float> logits, float mu, SamplerWorkspace ws)
    {
        var probs = ws.ProbabilitiesOf(logits);
        var top = Probabilities.ArgMax(probs);
        var removed = false;
        for (var i = 0; i < probs.Length; i++)
        {
            if (i != top && logits[i] > float.NegativeInfinity && -MathF.Log2(probs[i]) > mu)
            {
                logits[i] = float.NegativeInfinity;
                removed = true;
            }
        }
        if (removed)
        {
            ws.ProbsValid = false;
        }
        return ws.ProbabilitiesOf(logits);
    }

    /// <summary>μ after observing the picked token's probability under q.</summary>
    public static float Update(float mu, float pickedProbability, float tau, float eta) =>
        mu - eta * (-MathF.Log2(pickedProbability) - tau);
}
