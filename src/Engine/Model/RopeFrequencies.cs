namespace Engine.Model;

/// <summary>
/// The rotary inverse frequencies inv_freq[i] (i = 0 .. HeadDim/2 − 1) and the cos/sin scale, computed in double
/// precision the way HF's <c>ROPE_INIT_FUNCTIONS</c> does for each <c>rope_type</c>. The angle of pair i at
/// position p is p · inv_freq[i]; rotate-half pairs element i with element i + HeadDim/2.
/// </summary>
public static class RopeFrequencies
{
    /// <summary>
    /// Returns inv_freq and the attention scale that multiplies cos and sin (1 except for yarn).
    /// <c>dynamic</c> uses vLLM's static form (the base stretched for MaxContext·factor positions) instead of
    /// HF's per-call recomputation, because one batch mixes sequences of many lengths.
    /// </summary>
    public static (double[] InvFreq, double AttentionScale) Compute(ModelConfig config)
    {
        var dim = config.HeadDim;
        var half = dim / 2;
        var scaling = config.RopeScaling;
        var type = scaling?.Type ?? "default";
        var baseTheta = config.RopeTheta;
        var factor = scaling?.Factor ?? 1.0;
        var originalMax = scaling?.OriginalMaxPositionEmbeddings ?? config.MaxContext;

        if (type == "dynamic")
        {
            // vLLM DynamicNTKScalingRotaryEmbedding: base' = base · (s·L/L − (s − 1))^(d/(d−2)) with L = max·s.
            var maxLen = config.MaxContext * factor;
            baseTheta *= Math.Pow(factor * maxLen / config.MaxContext - (factor - 1), dim / (dim - 2.0));
        }

        var invFreq = new double[half];
        for (var i = 0; i < half; i++)
        {
            invFreq[i] = 1.0 / Math.Pow(baseTheta, 2.0 * i / dim);
        }

        switch (type)
        {
            case "default":
            case "dynamic":
                return (invFreq, 1.0);
            case "linear":
                for (var i = 0; i < half; i++)
                {
                    invFreq[i] /= factor;
                }
                return (invFreq, 1.0);
            case "llama3":
                ApplyLlama3(invFreq, factor, scaling!.LowFreqFactor, scaling.HighFreqFactor, originalMax);
                return (invFreq, 1.0);
            case "yarn":
                return (Yarn(invFreq, dim, baseTheta, factor, scaling!.BetaFast, scaling.BetaSlow, originalMax),
                    scaling.AttentionFactor ?? (factor <= 1 ? 1.0 : 0.1 * Math.Log(factor) + 1.0));
            default:
                throw new NotSupportedException(
                    $"Model config '{config.Name}': rope_scaling type '{type}' is not supported (default, linear, dynamic, llama3, yarn).");
        }
    }

    // llama3: long wavelengths (> L/low) are divided by s, short ones (< L/high) kept, the band between is a
    // linear blend in L/wavelen.
    private static void ApplyLlama3(double[] invFreq, double factor, double low, double high, int originalMax)
    {
        var lowFreqWavelen = originalMax / low;
        var highFreqWavelen = originalMax / high;
        for (var i = 0; i < invFreq.Length; i++)
        {
            var wavelen = 2 * Math.PI / invFreq[i];
            if (wavelen > lowFreqWavelen)
            {
                invFreq[i] /= factor;
            }
            else if (wavelen >= highFreqWavelen)
            {
                var smooth = (originalMax / wavelen - low) / (high - low);
                invFreq[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
            }
        }
    }

    // yarn: blend interpolated (θ/s) and extrapolated (θ) frequencies with a linear ramp between the correction
    // dimensions of beta_fast and beta_slow rotations.
    private static double[] Yarn(double[] extrapolation, int dim, double baseTheta, double factor, double betaFast, double betaSlow, int originalMax)
    {
        double CorrectionDim(double rotations) =>
            dim * Math.Log(originalMax / (rotations * 2 * Math.PI)) / (2 * Math.Log(baseTheta));

        var low = Math.Max(Math.Floor(CorrectionDim(betaFast)), 0);
        var high = Math.Min(Math.Ceiling(CorrectionDim(betaSlow)), dim - 1);
        if (low == high)
        {
            high += 0.001;
        }

        var result = new double[extrapolation.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var ramp = Math.Clamp((i - low) / (high - low), 0, 1);
            var extrapolationWeight = 1 - ramp;
            var interpolation = extrapolation[i] / factor;
            result[i] = interpolation * (1 - extrapolationWeight) + extrapolation[i] * extrapolationWeight;
        }
        return result;
    }
}
