using Engine.Sampling;

namespace Engine.Tests.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// The worked examples of samplers.md §4.3–4.6 and §5.1–5.5 on base example B, run through the device kernels on
/// ILGPU's CPU accelerator and checked against the logits the spec prints (1e−4 relative, §2: it prints 4 decimals)
/// and, bit for bit, against the CPU chain.
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class PenaltySpecExampleTests(CudaKernelFixture fixture)
{
    private static float[] B => [2.0f, 1.0f, 0.5f, 0.0f, -1.0f];

    private const float NegInf = float.NegativeInfinity;

    [Fact]
    public void LogitBias_AddsClampedBias_Section4_3() =>
        Check(new(new SamplingParams { LogitBias = new Dictionary<int, float> { [1] = 2f, [0] = -100f } }, [], [], B),
            [-98f, 3f, 0.5f, 0f, -1f]);

    [Fact]
    public void BadWordTokens_RemoveOneTokenWordsAndCompletedPrefixes_Section4_4() =>
        Check(new(new SamplingParams { BadWordTokens = [[3], [1, 2]] }, [2], [0, 1], B), [2f, 1f, NegInf, NegInf, -1f]);

    [Fact]
    public void BadWordTokens_IgnoreThePrompt_Section4_4() =>
        Check(new(new SamplingParams { BadWordTokens = [[1, 2]] }, [1], [], B), B);

    [Fact]
    public void MinTokens_RemovesTheStopSetWhileShort_Section4_5() =>
        Check(new(new SamplingParams { StopTokenIds = [3], MinTokens = 3, MaxTokens = 10 }, [0], [1], B) { Eos = [4] },
            [2f, 1f, 0.5f, NegInf, NegInf]);

    [Fact]
    public void MinTokens_LiftsTheBanOnceReached_Section4_5() =>
        Check(new(new SamplingParams { StopTokenIds = [3], MinTokens = 3, MaxTokens = 10 }, [0], [1, 2, 0], B) { Eos = [4] }, B);

    [Fact]
    public void CustomTokenBans_RemoveTheIds_Section4_6() =>
        Check(new(new SamplingParams { CustomTokenBans = [0] }, [], [], B), [NegInf, 1f, 0.5f, 0f, -1f]);

    [Fact]
    public void AllowedTokenIds_KeepOnlyThoseIds_Section4_2() =>
        Check(new(new SamplingParams { AllowedTokenIds = [0, 2] }, [], [], B), [2f, NegInf, 0.5f, NegInf, NegInf]);

    [Fact]
    public void GuidedMask_RemovesDisallowedTokens_Section4_1() =>
        Check(new(new SamplingParams(), [], [], B) { Guided = [0b00101u] }, [2f, NegInf, 0.5f, NegInf, NegInf]);

    [Fact]
    public void Sanitise_MapsNaNAndInfinityAndPaddedRows_Section3_7()
    {
        float[] logits = [float.NaN, float.PositiveInfinity, 0.5f, 0f, -1f];
        Check(new(new SamplingParams(), [], [], logits) { TokenizerVocabSize = 4 }, [NegInf, float.MaxValue, 0.5f, 0f, NegInf]);
    }

    [Fact]
    public void Penalties_RepetitionThenFrequencyThenPresence_Section5_3() =>
        Check(new(new SamplingParams { RepetitionPenalty = 1.5f, FrequencyPenalty = 0.25f, PresencePenalty = 0.5f }, [0, 4], [1, 1, 2], B),
            [1.3333f, -0.3333f, -0.4167f, 0f, -1.5f]);

    [Fact]
    public void RepetitionPenalty_AloneCountsPromptAndOutput_Section5_1() =>
        Check(new(new SamplingParams { RepetitionPenalty = 1.5f }, [0, 4], [1, 1, 2], B), [1.3333f, 0.6667f, 0.3333f, 0f, -1.5f]);

    [Fact]
    public void NoRepeatNgram2_RemovesTheFollowerOfTheLastToken_Section5_4() =>
        Check(new(new SamplingParams { NoRepeatNgramSize = 2 }, [0, 1], [2, 0], B), [2f, NegInf, 0.5f, 0f, -1f]);

    [Fact]
    public void NoRepeatNgram3_RemovesTheFollowerOfTheKey_Section5_4() =>
        Check(new(new SamplingParams { NoRepeatNgramSize = 3 }, [0, 1, 2, 3], [0, 1], B), [2f, 1f, NegInf, 0f, -1f]);

    private static SamplingParams Dry(int allowed = 2, int range = 0, int[]? breakers = null) => new()
    {
        DryMultiplier = 0.8f, DryBase = 1.75f, DryAllowedLength = allowed, DryRange = range,
        DrySequenceBreakers = [], DrySequenceBreakerIds = breakers ?? [],
    };

    private static readonly int[] DryHistory = [0, 1, 2, 3, 1, 2, 4, 0, 1, 2];

    [Fact]
    public void Dry_Example1_PenalisesBothCandidates_Section5_5() =>
        Check(new(Dry(), DryHistory[..4], DryHistory[4..], B), [2f, 1f, 0.5f, -1.4f, -1.8f]);

    [Fact]
    public void Dry_Example2_AllowedLength3PenalisesOnlyTheLongerMatch_Section5_5() =>
        Check(new(Dry(allowed: 3), DryHistory[..7], DryHistory[7..], B), [2f, 1f, 0.5f, -0.8f, -1f]);

    [Fact]
    public void Dry_Example3_BreakerShortensTheRun_Section5_5() =>
        Check(new(Dry(breakers: [0]), DryHistory, [], B), B);

    [Fact]
    public void Dry_Example4_RangeCutsTheHistory_Section5_5() =>
        Check(new(Dry(range: 4), DryHistory[..1], DryHistory[1..], B), B);

    private void Check(PenaltyCase c, float[] expected)
    {
        var device = PenaltyHarness.Device(fixture, [c])[0];
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            Assert.True(float.IsFinite(e) ? MathF.Abs(device[i] - e) <= 1e-4f * Math.Max(1f, MathF.Abs(e)) : device[i] == e,
                $"logit {i}: device {device[i]:R}, spec {e}.");
        }
        PenaltyHarness.AssertBitEqual(PenaltyHarness.Cpu(c), device, c.ToString());
    }
}
