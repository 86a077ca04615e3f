using Engine.Backends;
using Engine.Backends.Cuda.Sampling;
using Engine.Sampling;
using Engine.Tests.Backends.Cuda.Sampling.Penalties;
using FsCheck;
using FsCheck.Fluent;
using ILGPU.Runtime;

namespace Engine.Tests.Backends.Cuda.Sampling;

/// <summary>
/// The whole device chain as the engine drives it (<see cref="CudaDeviceSampler"/>: the penalty half joined to the
/// selection half) against the CPU <see cref="SequenceSampler"/> of each row: random penalty mixes (repetition,
/// frequency, presence, DRY, no-repeat n-gram, bias, bans, bad words, min_tokens, allowed ids, padded vocabularies,
/// random <c>sampler_priority</c>) under random selection samplers and seeds, histories given to the device one
/// step at a time as the engine does. Every row must draw the CPU's token with its logprob, top logprobs and μ.
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class CudaDeviceSamplerTests(CudaKernelFixture fixture)
{
    [Fact]
    public void RandomPenaltyAndSelectionMixes_MatchCpuSequenceSampler()
    {
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var random = new Random(seed);
            var cases = PenaltyCaseGenerator.Batch(seed);
            var rows = cases.Select(c => WithSelection(c, random)).ToArray();
            CheckStep(rows, random.Next(4) == 0 ? random.Next(1, 6) : 0, random);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(10));
    }

    [Fact]
    public void GreedyWithPenalties_EqualsCpuArgmax()
    {
        // hand-made: repetition 2 on a history of token 1 makes token 2 the argmax (logits 3, 2.9 → 1.5, 2.9)
        var p = new SamplingParams { Temperature = 0f, RepetitionPenalty = 2f, MaxTokens = 10 };
        var c = new PenaltyCase(p, [1, 1], [1], [0f, 3f, 2.9f, -1f]);
        var device = CheckStep([c], topLogprobs: 2, new Random(1));
        Assert.Equal(2, device[0].Token);
    }

    private DeviceSample[] CheckStep(PenaltyCase[] rows, int topLogprobs, Random random)
    {
        var vocab = rows[0].Logits.Length;
        var slots = rows.Length + 2;
        var historyCapacity = rows.Max(c => c.Prompt.Length + c.Output.Length) + 1;
        using var sampler = new CudaDeviceSampler(fixture.Context, fixture.Stream, () => { }, slots, vocab, historyCapacity);
        // slots in a shuffled order, so row r and slot r differ
        var slotOf = Enumerable.Range(0, slots).OrderBy(_ => random.Next()).Take(rows.Length).ToArray();
        var cpu = new SequenceSampler[rows.Length];
        var seeds = new long[rows.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            var c = rows[r];
            seeds[r] = random.NextInt64();
            var setup = new SamplerSetup(vocab, c.Eos) { TokenizerVocabSize = c.TokenizerVocabSize };
            cpu[r] = SequenceSampler.Create(c.Params, setup, seeds[r], choice: r % 3);
            sampler.BeginSequence(slotOf[r], c.Prompt, cpu[r], topLogprobs);
        }
        // the outputs so far, one step at a time (rows with shorter outputs append "none")
        for (var t = 0; t < rows.Max(c => c.Output.Length); t++)
        {
            sampler.AppendHostTokens(slotOf, [.. rows.Select(c => t < c.Output.Length ? c.Output[t] : -1)]);
        }
        // a history row with fewer tokens than the longest got -1 ("none") for the missing steps: the device counts
        // only real tokens, so its output length equals the CPU's
        sampler.BeginStep(slotOf);
        var packed = rows.Select((c, r) => new DeviceSampleRow(c.Output.Length, cpu[r].MirostatMu)).ToArray();
        using var logits = new Engine.Backends.Cuda.CudaBuffer(fixture.Context.Accelerator, rows.Length, vocab);
        logits.View.SubView(0, (long)rows.Length * vocab).CopyFromCPU(fixture.Stream, rows.SelectMany(c => c.Logits).ToArray());
        var results = new DeviceSample[rows.Length];
        sampler.Sample(logits, packed, results);
        for (var r = 0; r < rows.Length; r++)
        {
            var c = rows[r];
            var top = new TokenLogprob[topLogprobs];
            var expected = cpu[r].SampleWithLogprobs((float[])c.Logits.Clone(), c.Prompt, c.Output, top);
            var what = $"row {r} of {rows.Length}: {c}";
            Assert.True(expected.TokenId == results[r].Token, $"{what}: CPU token {expected.TokenId}, device {results[r].Token}");
            Assert.True(Math.Abs(expected.Logprob - results[r].Logprob) <= 1e-4f, $"{what}: logprob CPU {expected.Logprob}, device {results[r].Logprob}");
            Assert.True(Math.Abs(cpu[r].MirostatMu - results[r].MirostatMu) <= 1e-4f, $"{what}: μ CPU {cpu[r].MirostatMu}, device {results[r].MirostatMu}");
            if (expected.TokenId != SequenceSampler.NoToken)
            {
                var deviceTop = new TokenLogprob[topLogprobs];
                var count = sampler.TopLogprobs(r, deviceTop);
                Assert.Equal(top[..expected.TopCount].Select(t => t.TokenId), deviceTop[..count].Select(t => t.TokenId));
            }
        }
        return results;
    }

    // The penalty case's parameters plus a random selection: temperature, top-k/top-p/min-p, sometimes Mirostat.
    private static PenaltyCase WithSelection(PenaltyCase c, Random random)
    {
        bool On() => random.Next(2) == 0;
        var p = c.Params with
        {
            Temperature = random.Next(5) == 0 ? 0f : 0.3f + (1.5f * random.NextSingle()),
            TopK = On() ? random.Next(1, 40) : 0,
            TopP = On() ? 0.5f + (0.49f * random.NextSingle()) : 1f,
            MinP = On() ? 0.1f * random.NextSingle() : 0f,
            MirostatMode = random.Next(8) == 0 ? 2 : 0,
            MirostatTau = 4f,
            MirostatEta = 0.1f,
        };
        return c with { Params = p, Guided = null };
    }
}
