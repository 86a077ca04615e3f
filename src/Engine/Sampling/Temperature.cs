using System.Numerics.Tensors;

namespace Engine.Sampling;

/// <summary>
/// TEMPERATURE (id 5, §6.1–6.2). T_eff is the request temperature, or with dynamic temperature
/// <c>min + (max − min) · (H(p)/ln N)^exponent</c> over the N alive tokens. Then: NaN or ≤ 2e−5 → 2e−5;
/// below 0.1 the logits are shifted by −(max ℓ − 1) (aph's numeric guard); finally ℓ ← ℓ / T_eff.
/// Greedy mode skips the step entirely (§3.6).
/// </summary>
internal static class Temperature
{
    public static bool IsActive(SamplingParams p) => !p.IsGreedy && (p.IsDynatemp || p.Temperature != 1f);

    public static void Apply(Span<float> logits, SamplingParams p, SamplerWorkspace ws)
    {
        var alive = Probabilities.AliveCount(logits);
        if (alive == 0)
        {
            return;
        }
        var t = p.IsDynatemp ? DynamicTemperature(logits, p, ws, alive) : p.Temperature;
        if (float.IsNaN(t) || t <= 2e-5f)
        {
            t = 2e-5f;
        }
        if (t < 0.1f)
        {
            TensorPrimitives.Subtract(logits, TensorPrimitives.Max(logits) - 1f, logits);
        }
        TensorPrimitives.Divide(logits, t, logits);
        ws.ProbsValid = false;
    }

    /// <summary>§6.2; N = 1 gives 0/0 = NaN (mapped to 2e−5 by the caller), exactly as the spec states.</summary>
    internal static float DynamicTemperature(ReadOnlySpan<float> logits, SamplingParams p, SamplerWorkspace ws, int alive)
    {
        var probs = ws.ProbabilitiesOf(logits);
        var normalised = Probabilities.Entropy(probs) / Math.Log(alive);
        return (float)(p.DynatempMin + (p.DynatempMax - p.DynatempMin) * Math.Pow(normalised, p.DynatempExponent));
    }
}
