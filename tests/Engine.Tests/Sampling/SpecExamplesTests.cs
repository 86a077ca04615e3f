using System.Text.Json;
using Engine.Sampling;
using static Engine.Tests.Sampling.SamplerHarness;

namespace Engine.Tests.Sampling;

/// <summary>Every worked example of samplers.md, named after its section.</summary>
public sealed class SpecExamplesTests
{
    private static SamplingParams Json(string json) => SamplingParams.FromJson(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void S2_BaseExample_Softmax() =>
        AssertProbs([0.5630f, 0.2071f, 0.1256f, 0.0762f, 0.0280f], Process(new SamplingParams(), B));

    [Fact]
    public void S3_6_Greedy_RepetitionPenaltyFlipsArgmax()
    {
        var p = new SamplingParams { Temperature = 0, RepetitionPenalty = 1.2f };
        var sampler = SequenceSampler.Create(p, new SamplerSetup(5, []), seed: 0);
        Assert.Equal(1, sampler.Sample(new float[] { 2.0f, 1.9f, 0, 0, 0 }, [0], []));
    }

    [Theory]
    [InlineData(0, 0, 0, 2, 0.83966368f)]
    [InlineData(0, 0, 1, 2, 0.17677397f)]
    [InlineData(0, 1, 0, 2, 0.66145563f)]
    [InlineData(42, 0, 0, 2, 0.69981712f)]
    [InlineData(42, 0, 0, 1, 0.01659834f)]
    [InlineData(12345, 2, 7, 2, 0.29755008f)]
    public void S3_8_CounterBasedGenerator_TestVectors(long seed, int choice, int step, int purpose, float expected) =>
        Assert.Equal(expected, SamplingRandom.Uniform(seed, choice, step, purpose), 1e-7f);

    [Fact]
    public void S4_3_LogitBias() =>
        AssertProbs([0f, 0.8694f, 0.0714f, 0.0433f, 0.0159f], Process(Json("""{"logit_bias": {"1": 2.0, "0": -100}}"""), B));

    [Fact]
    public void S4_3_LogitBias_IsNotAHardBan()
    {
        var p = Process(Json("""{"logit_bias": {"1": 2.0, "0": -100}}"""), B);
        Assert.InRange(p[0], 1e-45f, 1e-43f); // 1.19e−44, a float32 subnormal: still alive
    }

    [Fact]
    public void S4_4_BadWordTokens() =>
        AssertProbs([0.7054f, 0.2595f, 0, 0, 0.0351f],
            Process(Json("""{"bad_word_tokens": [{"tokens": [3]}, {"tokens": [1, 2]}]}"""), B, output: [1]));

    [Fact]
    public void S4_5_MinTokens_BansStopSetUntilReached() =>
        AssertProbs([0.6285f, 0.2312f, 0.1402f, 0, 0],
            Process(new SamplingParams { StopTokenIds = [3], MinTokens = 3 }, B, output: [0], eos: [4]));

    [Fact]
    public void S4_5_MinTokens_NoBanOnceReached() =>
        AssertProbs(Softmax(B), Process(new SamplingParams { StopTokenIds = [3], MinTokens = 3 }, B, output: [0, 0, 0], eos: [4]));

    [Fact]
    public void S4_6_CustomTokenBans() =>
        AssertProbs([0, 0.4740f, 0.2875f, 0.1744f, 0.0641f], Process(new SamplingParams { CustomTokenBans = [0] }, B));

    [Fact]
    public void S5_3_RepetitionOnly() =>
        AssertProbs([0.4538f, 0.2330f, 0.1669f, 0.1196f, 0.0267f],
            Process(new SamplingParams { RepetitionPenalty = 1.5f }, B, prompt: [0, 4], output: [1, 1, 2]));

    [Fact]
    public void S5_3_AllThreePenalties() =>
        AssertProbs([0.5934f, 0.1121f, 0.1031f, 0.1564f, 0.0349f],
            Process(new SamplingParams { RepetitionPenalty = 1.5f, FrequencyPenalty = 0.25f, PresencePenalty = 0.5f }, B,
                prompt: [0, 4], output: [1, 1, 2]));

    [Fact]
    public void S5_4_NoRepeatNgram_Size2() =>
        AssertProbs([0.7101f, 0, 0.1584f, 0.0961f, 0.0354f], Process(new SamplingParams { NoRepeatNgramSize = 2 }, B, prompt: [0, 1, 2, 0]));

    [Fact]
    public void S5_4_NoRepeatNgram_Size3() =>
        AssertProbs([0.6439f, 0.2369f, 0, 0.0871f, 0.0321f],
            Process(new SamplingParams { NoRepeatNgramSize = 3 }, B, prompt: [0, 1, 2], output: [3, 0, 1]));

    [Fact]
    public void S5_4_FriendliNoRepeatNgramOne_IsOff() => Assert.Equal(0, Json("""{"no_repeat_ngram": 1}""").NoRepeatNgramSize);

    private static readonly int[] DryHistory = [0, 1, 2, 3, 1, 2, 4, 0, 1, 2];

    private static SamplingParams DryParams => new() { DryMultiplier = 0.8f, DryBase = 1.75f, DryAllowedLength = 2, DrySequenceBreakers = [] };

    [Fact]
    public void S5_5_Dry_Example1() =>
        AssertProbs([0.6073f, 0.2234f, 0.1355f, 0.0203f, 0.0136f], Process(DryParams, B, prompt: DryHistory));

    [Fact]
    public void S5_5_Dry_Example2_AllowedLength3_PenalisesOnlyLongMatch() =>
        AssertProbs(Softmax(2.0f, 1.0f, 0.5f, -0.8f, -1.0f), Process(DryParams with { DryAllowedLength = 3 }, B, prompt: DryHistory));

    [Fact]
    public void S5_5_Dry_Example3_BreakerStopsRun() =>
        AssertProbs(Softmax(B), Process(DryParams with { DrySequenceBreakerIds = [0] }, B, prompt: DryHistory));

    [Fact]
    public void S5_5_Dry_Example4_RangeHidesEarlierMatch() =>
        AssertProbs(Softmax(B), Process(DryParams with { DryRange = 4 }, B, prompt: DryHistory));

    [Fact]
    public void S5_5_Dry_HistorySplitAcrossPromptAndOutput_SameAsExample1() =>
        AssertProbs([0.6073f, 0.2234f, 0.1355f, 0.0203f, 0.0136f], Process(DryParams, B, prompt: DryHistory[..4], output: DryHistory[4..]));

    [Fact]
    public void S6_1_Temperature_Half() =>
        AssertProbs([0.8292f, 0.1122f, 0.0413f, 0.0152f, 0.0021f], Process(new SamplingParams { Temperature = 0.5f }, B));

    [Fact]
    public void S6_1_Temperature_Two() =>
        AssertProbs([0.3745f, 0.2272f, 0.1769f, 0.1378f, 0.0836f], Process(new SamplingParams { Temperature = 2f }, B));

    [Fact]
    public void S6_2_Dynatemp_Exponent1() =>
        AssertProbs([0.4895f, 0.2199f, 0.1474f, 0.0988f, 0.0444f],
            Process(new SamplingParams { DynatempMin = 0.5f, DynatempMax = 1.5f }, B));

    [Fact]
    public void S6_2_Dynatemp_Exponent2() =>
        AssertProbs([0.5420f, 0.2114f, 0.1320f, 0.0824f, 0.0321f],
            Process(new SamplingParams { DynatempMin = 0.5f, DynatempMax = 1.5f, DynatempExponent = 2f }, B));

    [Fact]
    public void S6_2_DynatempRange_GivesTheFirstResult() =>
        AssertProbs([0.4895f, 0.2199f, 0.1474f, 0.0988f, 0.0444f], Process(Json("""{"temperature": 1.0, "dynatemp_range": 0.5}"""), B));

    [Theory]
    [InlineData(1f, new[] { 0.7311f, 0.2689f, 0, 0, 0 })]
    [InlineData(1.5f, new[] { 0.6285f, 0.2312f, 0.1402f, 0, 0 })]
    public void S7_1_TopNSigma(float n, float[] expected) => AssertProbs(expected, Process(new SamplingParams { Nsigma = n }, B));

    [Fact]
    public void S7_2_TopK2() => AssertProbs([0.7311f, 0.2689f, 0, 0, 0], Process(new SamplingParams { TopK = 2 }, B));

    [Fact]
    public void S7_2_TopK_TiesAtBoundarySurvive() =>
        AssertProbs([0.5761f, 0.2119f, 0.2119f, 0, 0], Process(new SamplingParams { TopK = 2 }, [2f, 1f, 1f, 0f, -1f]));

    [Theory]
    [InlineData(0.8f, new[] { 0.6285f, 0.2312f, 0.1402f, 0, 0 })]
    [InlineData(0.5f, new[] { 1f, 0, 0, 0, 0 })]
    [InlineData(0.9f, new[] { 0.5793f, 0.2131f, 0.1293f, 0.0784f, 0 })]
    public void S7_2_TopP(float topP, float[] expected) => AssertProbs(expected, Process(new SamplingParams { TopP = topP }, B));

    [Theory]
    [InlineData(0.2f, new[] { 0.5793f, 0.2131f, 0.1293f, 0.0784f, 0 })]
    [InlineData(0.5f, new[] { 0.7311f, 0.2689f, 0, 0, 0 })]
    public void S7_3_TopA(float a, float[] expected) => AssertProbs(expected, Process(new SamplingParams { TopA = a }, B));

    [Fact]
    public void S7_3_TopA_NeverRemovesArgmax() => AssertProbs([1f, 0, 0, 0, 0], Process(new SamplingParams { TopA = 100f }, B));

    [Theory]
    [InlineData(0.1f, new[] { 0.5793f, 0.2131f, 0.1293f, 0.0784f, 0 })]
    [InlineData(0.2f, new[] { 0.6285f, 0.2312f, 0.1402f, 0, 0 })]
    public void S7_4_MinP(float minP, float[] expected) => AssertProbs(expected, Process(new SamplingParams { MinP = minP }, B));

    [Theory]
    [InlineData(0.95f, new[] { 0.7311f, 0.2689f, 0, 0, 0 })]
    [InlineData(0.5f, new[] { 1f, 0, 0, 0, 0 })]
    [InlineData(0.999f, new[] { 0.6285f, 0.2312f, 0.1402f, 0, 0 })]
    public void S7_5_TailFree(float z, float[] expected) => AssertProbs(expected, Process(new SamplingParams { Tfs = z }, B));

    [Theory]
    [InlineData(500f, new[] { 0.5793f, 0.2131f, 0.1293f, 0.0784f, 0 })]
    [InlineData(1000f, new[] { 0.6285f, 0.2312f, 0.1402f, 0, 0 })]
    public void S7_6_EtaCutoff(float eta, float[] expected) => AssertProbs(expected, Process(new SamplingParams { EtaCutoff = eta }, B));

    [Fact]
    public void S7_6_EtaCutoff_SeedExampleValueIsNearNoOp() => AssertProbs(Softmax(B), Process(new SamplingParams { EtaCutoff = 1e-4f }, B));

    [Theory]
    [InlineData(500f, new[] { 0.5793f, 0.2131f, 0.1293f, 0.0784f, 0 })]
    [InlineData(1000f, new[] { 0.6285f, 0.2312f, 0.1402f, 0, 0 })]
    public void S7_7_EpsilonCutoff(float eps, float[] expected) =>
        AssertProbs(expected, Process(new SamplingParams { EpsilonCutoff = eps }, B));

    [Theory]
    [InlineData(0.5f, new[] { 0f, 1f, 0, 0, 0 })]
    [InlineData(0.9f, new[] { 0.6285f, 0.2312f, 0.1402f, 0, 0 })]
    public void S7_8_TypicalP(float typical, float[] expected) => AssertProbs(expected, Process(new SamplingParams { TypicalP = typical }, B));

    [Fact]
    public void S7_9_Quadratic_Curve1() =>
        AssertProbs([0.4813f, 0.2919f, 0.1563f, 0.0651f, 0.0053f], Process(new SamplingParams { SmoothingFactor = 0.5f }, B));

    [Fact]
    public void S7_9_Cubic_Curve2() =>
        AssertProbs([0.5259f, 0.3190f, 0.1289f, 0.0262f, 0.0001f],
            Process(new SamplingParams { SmoothingFactor = 0.5f, SmoothingCurve = 2f }, B));

    [Theory]
    [InlineData(0.1f, new[] { 0f, 0, 0.5465f, 0.3315f, 0.1220f })]
    [InlineData(0.2f, new[] { 0f, 0.4740f, 0.2875f, 0.1744f, 0.0641f })]
    [InlineData(0.6f, new[] { 0.5630f, 0.2071f, 0.1256f, 0.0762f, 0.0280f })]
    public void S7_10_Xtc(float threshold, float[] expected) =>
        AssertProbs(expected, Process(new SamplingParams { XtcProbability = 1f, XtcThreshold = threshold }, B));

    [Theory]
    [InlineData(1f, new[] { 0.2098f, 0.2818f, 0.2497f, 0.1842f, 0.0744f })]
    [InlineData(-1f, new[] { 0.8095f, 0.0989f, 0.0519f, 0.0293f, 0.0104f })]
    public void S7_11_Skew(float skew, float[] expected) => AssertProbs(expected, Process(new SamplingParams { Skew = skew }, B));

    [Fact]
    public void S7_11_Skew_UsesProbabilityOrderNotTokenOrder() =>
        AssertProbs([0.0744f, 0.1842f, 0.2497f, 0.2818f, 0.2098f], Process(new SamplingParams { Skew = 1f }, [-1f, 0f, 0.5f, 1f, 2f]));

    [Fact]
    public void S7_12_Mirostat_TruncatesBySurprisalAndUpdatesMu()
    {
        var p = new SamplingParams { MirostatMode = 2, MirostatTau = 1.5f, MirostatEta = 0.1f };
        // Seed 42: u = 0.6998 falls in t1's slice of q (0.6285 … 0.8597).
        var sampler = SequenceSampler.Create(p, new SamplerSetup(5, []), seed: 42);
        Assert.Equal(3.0f, sampler.MirostatMu, 1e-6f);
        var token = sampler.Sample(B, [], []);
        Assert.Equal(1, token);
        AssertProbs([0.6285f, 0.2312f, 0.1402f, 0, 0], [.. sampler.FinalDistribution]);
        Assert.Equal(2.9387f, sampler.MirostatMu, 1e-4f);
    }

    [Fact]
    public void S7_12_Mirostat_UpdateAfterDrawingT0() => Assert.Equal(3.0830f, Mirostat.Update(3.0f, 0.6285f, 1.5f, 0.1f), 1e-4f);

    [Theory]
    [InlineData(0.5f, 0)]
    [InlineData(0.7f, 1)]
    [InlineData(0.9f, 3)]
    public void S8_1_CategoricalDraw(float u, int expected)
    {
        var ws = new SamplerWorkspace(5);
        var probs = Softmax(B);
        Assert.Equal(expected, CategoricalDraw.Draw(B, probs, u, ws));
    }

    [Fact]
    public void S8_1_Seed42_DrawsT1()
    {
        var sampler = SequenceSampler.Create(new SamplingParams(), new SamplerSetup(5, []), seed: 42);
        Assert.Equal(1, sampler.Sample(B, [], []));
    }

    [Theory]
    [InlineData(1f, -0.4f)]
    [InlineData(2f, -0.0667f)]
    [InlineData(0.5f, -0.9798f)]
    public void S8_5_BeamScore_LengthPenalty(float lengthPenalty, float expected) =>
        Assert.Equal(expected, BeamSearch.Score(-2.4, 6, lengthPenalty), 1e-4);

    [Fact]
    public void S10_Logprobs_FinalDistribution_TopP()
    {
        var sampler = SequenceSampler.Create(new SamplingParams { TopP = 0.8f, Logprobs = 2 }, new SamplerSetup(5, []), seed: 42);
        var top = new TokenLogprob[2];
        var result = sampler.SampleWithLogprobs(B, [], [], top);
        Assert.Equal(1, result.TokenId);
        Assert.Equal(-1.4644f, result.Logprob, 1e-4f);
        Assert.Equal(new TokenLogprob(0, top[0].Logprob), top[0]);
        Assert.Equal(-0.4644f, top[0].Logprob, 1e-4f);
        Assert.Equal(1, top[1].TokenId);
        Assert.Equal(-1.4644f, top[1].Logprob, 1e-4f);
        var all = new TokenLogprob[5];
        TokenLogprobs.Top(sampler.FinalDistribution, all, new SamplerWorkspace(5));
        Assert.Equal(new TokenLogprob(4, TokenLogprobs.Removed), all[4]);
    }

    [Fact]
    public void S12_1_TemperatureBeforeMinP() =>
        AssertProbs([0.3745f, 0.2272f, 0.1769f, 0.1378f, 0.0836f], Process(new SamplingParams { Temperature = 2f, MinP = 0.2f }, B));

    [Fact]
    public void S12_1_TemperatureLast() =>
        AssertProbs([0.4810f, 0.2918f, 0.2272f, 0, 0],
            Process(new SamplingParams { Temperature = 2f, MinP = 0.2f, TemperatureLast = true }, B));

    [Fact]
    public void S12_2_TemperatureThenTopP() =>
        AssertProbs([1f, 0, 0, 0, 0], Process(new SamplingParams { Temperature = 0.5f, TopP = 0.8f }, B));

    [Fact]
    public void S12_2_TopPThenTemperature_ViaSamplerPriority() =>
        AssertProbs([0.8438f, 0.1142f, 0.0420f, 0, 0],
            Process(Json("""{"temperature": 0.5, "top_p": 0.8, "sampler_priority": [7, 6, 8, 9, 0, 5, 1, 2, 3, 10, 11, 4, 12, 13]}"""), B));

    [Fact]
    public void S12_3_PenaltiesThenTemperature() =>
        AssertProbs([0.8781f, 0.0313f, 0.0265f, 0.0610f, 0.0030f],
            Process(new SamplingParams { RepetitionPenalty = 1.5f, FrequencyPenalty = 0.25f, PresencePenalty = 0.5f, Temperature = 0.5f }, B,
                prompt: [0, 4], output: [1, 1, 2]));

    [Fact]
    public void S12_4_BansAreInvisibleToNsigma() =>
        AssertProbs([1f, 0, 0, 0, 0], Process(new SamplingParams { CustomTokenBans = [4], Nsigma = 1f }, B));

    [Fact]
    public void S3_3_SamplerPriority_TemperatureBeforePenalties_ScalesNothingTwice()
    {
        // [5, 7, 6, …]: temperature first, so the penalties are subtracted from scaled logits.
        var p = Json("""{"temperature": 0.5, "presence_penalty": 1.0, "sampler_priority": [5, 7, 6, 8, 9, 0, 1, 2, 3, 10, 11, 4, 12, 13]}""");
        AssertProbs(Softmax(4f, 2f - 1f, 1f, 0f, -2f), Process(p, B, output: [1]));
    }

    [Fact]
    public void S3_7_EverythingRemoved_ReturnsNoToken()
    {
        var sampler = SequenceSampler.Create(new SamplingParams { CustomTokenBans = [0, 1, 2, 3, 4] }, new SamplerSetup(5, []), 0);
        var top = new TokenLogprob[1];
        var result = sampler.SampleWithLogprobs(B, [], [], top);
        Assert.Equal(SequenceSampler.NoToken, result.TokenId);
        Assert.Equal(TokenLogprobs.Removed, result.Logprob);
        Assert.All(sampler.FinalDistribution.ToArray(), p => Assert.Equal(0f, p));
    }

    [Fact]
    public void S3_7_NaNAndInfinityFromModel_AreSanitised()
    {
        var probs = Process(new SamplingParams(), [float.NaN, float.PositiveInfinity, 0f, float.NegativeInfinity, 0f]);
        AssertProbs([0f, 1f, 0f, 0f, 0f], probs);
    }

    [Fact]
    public void S3_7_PaddedRows_AreRemoved()
    {
        var sampler = SequenceSampler.Create(new SamplingParams(), new SamplerSetup(5, []) { TokenizerVocabSize = 3 }, 0);
        var probs = new float[5];
        sampler.ProcessDistribution(B, [], [], probs);
        AssertProbs(Softmax(2f, 1f, 0.5f).Concat([0f, 0f]).ToArray(), probs);
    }
}
