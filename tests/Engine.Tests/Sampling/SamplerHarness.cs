using Engine.Sampling;

namespace Engine.Tests.Sampling;

/// <summary>Runs one decoding step of the chain over a small logit row, as the spec's worked examples do.</summary>
internal static class SamplerHarness
{
    /// <summary>Base example B of samplers.md §2.</summary>
    public static float[] B => [2.0f, 1.0f, 0.5f, 0.0f, -1.0f];

    public static float[] Process(SamplingParams p, float[] logits, int[]? prompt = null, int[]? output = null,
        int[]? eos = null, long seed = 0, int choice = 0)
    {
        var sampler = SequenceSampler.Create(p, new SamplerSetup(logits.Length, eos ?? []), seed, choice);
        var probs = new float[logits.Length];
        sampler.ProcessDistribution((float[])logits.Clone(), prompt ?? [], output ?? [], probs);
        return probs;
    }

    public static float[] Softmax(params float[] logits)
    {
        var max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        var s = e.Sum();
        return [.. e.Select(x => (float)(x / s))];
    }

    /// <summary>The spec prints 4 decimals; §2 asks for absolute tolerance 1e−4 on probabilities.</summary>
    public static void AssertProbs(float[] expected, float[] actual, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"p[{i}]: expected {expected[i]:F4}, got {actual[i]:F6} (all: [{string.Join(", ", actual.Select(a => a.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}])");
        }
    }
}
