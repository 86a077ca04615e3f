using System.Text.Json;
using Engine.Sampling;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.Sampling;

/// <summary>Invariants over random logit rows: survivors, normalisation, exact no-ops at disabling values.</summary>
public sealed class SamplerPropertyTests
{
    private static SamplingParams Json(string json) => SamplingParams.FromJson(JsonDocument.Parse(json).RootElement);

    /// <summary>One configuration per S4/S6 sampler, each active with a strong setting.</summary>
    public static readonly string[] ActiveConfigs =
    [
        """{"top_k": 3}""", """{"top_p": 0.3}""", """{"top_a": 5}""", """{"min_p": 0.9}""", """{"tfs": 0.2}""",
        """{"typical_p": 0.05}""", """{"temperature": 0.02}""", """{"temperature": 5}""", """{"dynatemp_min": 0.1, "dynatemp_max": 3}""",
        """{"repetition_penalty": 3, "frequency_penalty": 2, "presence_penalty": 2}""",
        """{"dry_multiplier": 3, "dry_allowed_length": 1, "dry_sequence_breakers": []}""", """{"nsigma": 0.1}""",
        """{"eta_cutoff": 5000}""", """{"epsilon_cutoff": 1000}""", """{"smoothing_factor": 4, "smoothing_curve": 2.5}""",
        """{"xtc_probability": 1, "xtc_threshold": 0.01}""", """{"skew": 2}""", """{"skew": -2}""",
        """{"mirostat_mode": 2, "mirostat_tau": 0.5}""", """{"temperature": 0}""", """{"top_a": 50, "temperature_last": true, "temperature": 0.3}""",
    ];

    private static Arbitrary<float[]> LogitRows() =>
        Gen.Choose(1, 40).SelectMany(v =>
            Gen.ArrayOf(Gen.Choose(-3000, 3000).Select(x => x / 100f), v)).ToArbitrary();

    private static readonly int[] History = [0, 1, 2, 0, 1, 2, 0, 3, 1];

    [Fact]
    public void EverySampler_KeepsAToken_AndNormalises()
    {
        foreach (var config in ActiveConfigs)
        {
            var p = Json(config);
            Prop.ForAll(LogitRows(), logits =>
            {
                var probs = SamplerHarness.Process(p, logits, prompt: [.. History.Where(t => t < logits.Length)], output: [0]);
                var sum = probs.Sum(x => (double)x);
                // Float32 softmax of ≤ 40 terms: the sum is within a few ulps of 1 (1e−5 is generous).
                return probs.Count(x => x > 0) >= 1 && Math.Abs(sum - 1) < 1e-5 && probs.All(x => x >= 0 && float.IsFinite(x));
            }).Label(config).QuickCheckThrowOnFailure();
        }
    }

    /// <summary>Each entry sets a sampler to its disabling value in a way that differs from simply omitting it.</summary>
    public static readonly string[] DisablingConfigs =
    [
        """{"top_k": -1}""", """{"top_k": 0}""", """{"top_k": 1000000}""", """{"top_p": 1}""", """{"top_a": 0}""", """{"min_p": 0}""",
        """{"tfs": 1}""", """{"typical_p": 1}""", """{"temperature": 1}""", """{"dynatemp_min": 0, "dynatemp_max": 0, "dynatemp_exponent": 3}""",
        """{"repetition_penalty": 1, "frequency_penalty": 0, "presence_penalty": 0}""", """{"no_repeat_ngram_size": 0}""", """{"no_repeat_ngram": 1}""",
        """{"dry_multiplier": 0, "dry_base": 3, "dry_allowed_length": 0}""", """{"nsigma": 0}""", """{"eta_cutoff": 0}""",
        """{"epsilon_cutoff": 0}""", """{"smoothing_factor": 0, "smoothing_curve": 3}""", """{"xtc_probability": 1, "xtc_threshold": 0}""",
        """{"xtc_probability": 0, "xtc_threshold": 0.01}""", """{"skew": 0}""", """{"mirostat_mode": 0, "mirostat_tau": 1}""",
        """{"sampler_priority": []}""", """{"logit_bias": {}}""", """{"custom_token_bans": []}""", """{"min_tokens": 0}""",
    ];

    [Fact]
    public void DisablingValue_IsBitwiseNoOp()
    {
        var baseline = new SamplingParams();
        foreach (var config in DisablingConfigs)
        {
            var p = Json(config);
            Prop.ForAll(LogitRows(), logits =>
            {
                int[] prompt = [.. History.Where(t => t < logits.Length)];
                var expected = SamplerHarness.Process(baseline, logits, prompt, output: [0]);
                var actual = SamplerHarness.Process(p, logits, prompt, output: [0]);
                return expected.AsSpan().SequenceEqual(actual);
            }).Label(config).QuickCheckThrowOnFailure();
        }
    }

    [Fact]
    public void DisablingValue_IsBitwiseNoOp_InsideAnActiveChain()
    {
        var active = """ "temperature": 0.7, "top_p": 0.9, "min_p": 0.05, "repetition_penalty": 1.2 """;
        var baseline = Json($"{{{active}}}");
        foreach (var config in DisablingConfigs.Where(c => !c.Contains("temperature", StringComparison.Ordinal)
            && !c.Contains("top_p", StringComparison.Ordinal) && !c.Contains("min_p", StringComparison.Ordinal)
            && !c.Contains("repetition", StringComparison.Ordinal)))
        {
            var p = Json($"{{{active}, {config[1..]}");
            Prop.ForAll(LogitRows(), logits =>
            {
                int[] prompt = [.. History.Where(t => t < logits.Length)];
                return SamplerHarness.Process(baseline, logits, prompt, output: [0])
                    .AsSpan().SequenceEqual(SamplerHarness.Process(p, logits, prompt, output: [0]));
            }).Label(config).QuickCheckThrowOnFailure();
        }
    }

    [Fact]
    public void TopNSigmaAndTopK_AreTemperatureInvariant()
    {
        Prop.ForAll(LogitRows(), logits =>
        {
            var support = (SamplingParams p) => SamplerHarness.Process(p, logits).Select(x => x > 0).ToArray();
            var hot = support(new SamplingParams { Nsigma = 1f, TopK = 3, Temperature = 3f });
            var cold = support(new SamplingParams { Nsigma = 1f, TopK = 3, Temperature = 0.3f });
            return hot.SequenceEqual(cold);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void BandedTopP_MatchesFullSortDefinition()
    {
        // Wide rows so the banded sort crosses several bands; reference: the normative C_j < top_p rule over a full sort.
        var rows = Gen.Choose(300, 3000).SelectMany(v => Gen.ArrayOf(Gen.Choose(-4000, 1500).Select(x => x / 100f), v)).ToArbitrary();
        Prop.ForAll(rows, Gen.Choose(1, 99).ToArbitrary(), (logits, pct) =>
        {
            var topP = pct / 100f;
            var actual = SamplerHarness.Process(new SamplingParams { TopP = topP }, logits);
            var probs = new float[logits.Length];
            Probabilities.Softmax(logits, probs);
            var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => probs[i]).ThenBy(i => i).ToArray();
            var keep = new bool[logits.Length];
            var above = 0.0;
            foreach (var i in order)
            {
                keep[i] = above < topP;
                above += probs[i];
            }
            return Enumerable.Range(0, logits.Length).All(i => keep[i] == (actual[i] > 0));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TopK_MatchesSortDefinition_WithManyTies()
    {
        // Values from a small set force ties at the boundary; reference: keep ℓ ≥ the k-th entry of the sorted alive logits.
        var rows = Gen.Choose(1, 400).SelectMany(v => Gen.ArrayOf(Gen.Choose(-5, 5).Select(x => (float)x), v)).ToArbitrary();
        Prop.ForAll(rows, Gen.Choose(1, 50).ToArbitrary(), (logits, k) =>
        {
            var actual = SamplerHarness.Process(new SamplingParams { TopK = k }, logits);
            var sorted = logits.OrderByDescending(x => x).ToArray();
            var kth = k >= sorted.Length ? float.NegativeInfinity : sorted[k - 1];
            return Enumerable.Range(0, logits.Length).All(i => (logits[i] >= kth) == (actual[i] > 0));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void BucketedDraw_MatchesFullSortDefinition()
    {
        // Reference §8.1: full descending sort (ties by id), first token whose cumulative mass exceeds u·Σp.
        var rows = Gen.Choose(1, 3000).SelectMany(v => Gen.ArrayOf(Gen.Choose(-3000, 1000).Select(x => x / 100f), v)).ToArbitrary();
        Prop.ForAll(rows, Gen.Choose(0, (1 << 24) - 1).ToArbitrary(), (logits, bits) =>
        {
            var u = bits / 16777216f;
            var probs = new float[logits.Length];
            Probabilities.Softmax(logits, probs);
            var total = probs.Sum(x => (double)x);
            var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => probs[i]).ThenBy(i => i).ToArray();
            var cumulative = 0.0;
            var expected = order.Last(i => probs[i] > 0);
            foreach (var i in order)
            {
                cumulative += probs[i];
                if (cumulative > u * total)
                {
                    expected = i;
                    break;
                }
            }
            return CategoricalDraw.Draw(logits, probs, u, new SamplerWorkspace(logits.Length)) == expected;
        }).QuickCheckThrowOnFailure();
    }
}
