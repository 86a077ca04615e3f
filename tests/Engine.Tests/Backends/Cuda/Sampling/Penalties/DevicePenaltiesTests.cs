using Engine.Backends.Cuda.Sampling.Penalties;
using Engine.Sampling;
using FsCheck;
using FsCheck.Fluent;
using ILGPU.Runtime;

namespace Engine.Tests.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// <see cref="DevicePenalties"/> against the CPU chain on random batches (FsCheck over batch seeds; vocab 64..2048,
/// rows 1..4, every stage on or off at random, mixed sampler orders), step by step as a sequence grows, after slot
/// reuse, and its host-side checks. Equality is bit for bit: every stage is the CPU's float operations on one
/// element in the CPU's order (the DRY penalty itself is computed on the host in double, as the CPU does).
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class DevicePenaltiesTests(CudaKernelFixture fixture)
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(40).WithReplay(new Replay(new Rnd(20261207UL, 13UL), null));

    [Fact]
    public void RandomBatches_MatchTheCpuChainBitForBit()
    {
        Check.One(Quick, Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var cases = PenaltyCaseGenerator.Batch(seed);
            var device = PenaltyHarness.Device(fixture, cases);
            for (var r = 0; r < cases.Length; r++)
            {
                PenaltyHarness.AssertBitEqual(PenaltyHarness.Cpu(cases[r]), device[r], $"seed {seed}, row {r}: {cases[r]}");
            }
        }));
    }

    [Fact]
    public void IncrementalCounts_MatchTheCpuChainAtEveryStep()
    {
        const int Vocab = 48;
        var random = new Random(5);
        int[] prompt = [3, 7, 3, 9, 1];
        int[] output = [.. Enumerable.Range(0, 24).Select(_ => random.Next(1, 12))];
        var p = new SamplingParams
        {
            RepetitionPenalty = 1.3f, FrequencyPenalty = 0.4f, PresencePenalty = -0.3f, NoRepeatNgramSize = 3,
            DryMultiplier = 0.9f, DryAllowedLength = 1, DrySequenceBreakers = [], DrySequenceBreakerIds = [5],
            MinTokens = 6, MaxTokens = 100, StopTokenIds = [2], BadWordTokens = [[4, 6]],
        };
        var stream = fixture.Stream;
        using var penalties = new DevicePenalties(fixture.Context, slots: 3, Vocab, historyCapacity: 64);
        var request = PenaltyHarness.Request(new PenaltyCase(p, prompt, [], new float[Vocab]));
        penalties.BeginRequest(stream, 2, prompt, request);
        using var logits = fixture.Context.Accelerator.Allocate1D<float>(Vocab);
        for (var step = 0; step <= output.Length; step++)
        {
            var row = Expect(random, Vocab);
            penalties.BeginStep(stream, [2]);
            logits.View.CopyFromCPU(stream, row);
            penalties.ApplyPreStages(stream, logits.View);
            penalties.ApplyDry(stream, logits.View);
            penalties.ApplyPenalties(stream, logits.View);
            penalties.ApplyNoRepeatNgram(stream, logits.View);
            stream.Synchronize();
            var expected = PenaltyHarness.Cpu(new PenaltyCase(p, prompt, output[..step], row));
            PenaltyHarness.AssertBitEqual(expected, logits.GetAsArray1D(), $"step {step}");
            if (step < output.Length)
            {
                penalties.Append(stream, [output[step]]);
            }
        }
    }

    [Fact]
    public void ReusedSlot_ForgetsThePreviousRequest()
    {
        var first = new PenaltyCase(new SamplingParams { RepetitionPenalty = 2f, FrequencyPenalty = 1f }, [1, 2, 3], [4, 4, 5], Expect(new Random(1), 16));
        var second = new PenaltyCase(new SamplingParams { PresencePenalty = 1f, NoRepeatNgramSize = 1 }, [6], [7], Expect(new Random(2), 16));
        var stream = fixture.Stream;
        using var penalties = new DevicePenalties(fixture.Context, slots: 1, 16, historyCapacity: 8);
        foreach (var c in (PenaltyCase[])[first, second])
        {
            penalties.BeginRequest(stream, 0, c.Prompt, PenaltyHarness.Request(c));
            foreach (var t in c.Output)
            {
                penalties.BeginStep(stream, [0]);
                penalties.Append(stream, [t]);
            }
            penalties.BeginStep(stream, [0]);
            using var logits = fixture.Context.Accelerator.Allocate1D(c.Logits);
            penalties.ApplyPreStages(stream, logits.View);
            penalties.ApplyPenalties(stream, logits.View);
            penalties.ApplyNoRepeatNgram(stream, logits.View);
            stream.Synchronize();
            PenaltyHarness.AssertBitEqual(PenaltyHarness.Cpu(c), logits.GetAsArray1D(), c.ToString());
        }
    }

    [Fact]
    public void BeginRequest_Throws_WhenLogitBiasExceedsTheCapacity()
    {
        using var penalties = new DevicePenalties(fixture.Context, slots: 1, 16, historyCapacity: 8, biasCapacity: 2);
        var c = new PenaltyCase(new SamplingParams { LogitBias = new Dictionary<int, float> { [1] = 1f, [2] = 1f, [3] = 1f } }, [], [], new float[16]);

        var e = Assert.Throws<ArgumentException>(() => penalties.BeginRequest(fixture.Stream, 0, [], PenaltyHarness.Request(c)));
        Assert.Contains("logit_bias", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BeginRequest_Throws_WhenDryExponentsPassTheTable()
    {
        using var penalties = new DevicePenalties(fixture.Context, slots: 1, 16, historyCapacity: 100, dryTableLength: 8);
        var c = new PenaltyCase(new SamplingParams { DryMultiplier = 1f, DryMaxNgram = 20, DryAllowedLength = 2 }, [], [], new float[16]);

        var e = Assert.Throws<ArgumentException>(() => penalties.BeginRequest(fixture.Stream, 0, [], PenaltyHarness.Request(c)));
        Assert.Contains("dry_max_ngram", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BeginRequest_Throws_WhenThePromptExceedsTheHistory()
    {
        using var penalties = new DevicePenalties(fixture.Context, slots: 1, 16, historyCapacity: 2);
        var c = new PenaltyCase(new SamplingParams(), [1, 2, 3], [], new float[16]);

        Assert.Throws<ArgumentException>(() => penalties.BeginRequest(fixture.Stream, 0, c.Prompt, PenaltyHarness.Request(c)));
    }

    [Fact]
    public void BeginStep_Throws_WhenTwoRowsShareASlotOrASlotHasNoRequest()
    {
        using var penalties = new DevicePenalties(fixture.Context, slots: 3, 16, historyCapacity: 4);
        var c = new PenaltyCase(new SamplingParams(), [1], [], new float[16]);
        penalties.BeginRequest(fixture.Stream, 0, c.Prompt, PenaltyHarness.Request(c));

        Assert.Throws<ArgumentException>(() => penalties.BeginStep(fixture.Stream, [0, 0]));
        Assert.Throws<ArgumentException>(() => penalties.BeginStep(fixture.Stream, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => penalties.BeginStep(fixture.Stream, [3]));
    }

    [Fact]
    public void Apply_Throws_BeforeBeginStepOrWhenLogitsAreShort()
    {
        using var penalties = new DevicePenalties(fixture.Context, slots: 1, 16, historyCapacity: 4);
        using var logits = fixture.Context.Accelerator.Allocate1D<float>(8);

        Assert.Throws<InvalidOperationException>(() => penalties.ApplyPenalties(fixture.Stream, logits.View));
        var c = new PenaltyCase(new SamplingParams(), [1], [], new float[16]);
        penalties.BeginRequest(fixture.Stream, 0, c.Prompt, PenaltyHarness.Request(c));
        penalties.BeginStep(fixture.Stream, [0]);
        Assert.Throws<ArgumentException>(() => penalties.ApplyPreStages(fixture.Stream, logits.View));
    }

    private static float[] Expect(Random random, int vocab) => [.. Enumerable.Range(0, vocab).Select(_ => (random.NextSingle() * 8f) - 4f)];
}
