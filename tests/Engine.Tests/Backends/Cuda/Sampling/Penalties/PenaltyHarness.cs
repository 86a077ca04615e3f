using Engine.Backends.Cuda.Sampling.Penalties;
using Engine.Sampling;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Tests.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// Runs cases through <see cref="DevicePenalties"/> on the CPU accelerator the way a chain driver would, and through
/// the CPU <see cref="SamplerChain"/> as the reference. On the device: each case enters a slot (slots in reverse row
/// order, so row ≠ slot), its output is appended one step at a time (rows that are done append −1), then
/// S0–S3 and, walking the fourteen positions of each row's own order, DRY / PENALTIES / NO_REPEAT_NGRAM launches
/// enabled for the rows whose order has that sampler at that position. The CPU chain runs the same request with
/// every other sampler off, so its logits after Run are exactly those stages' output.
/// </summary>
internal static class PenaltyHarness
{
    public static float[][] Device(CudaKernelFixture fixture, PenaltyCase[] cases, int? historyCapacity = null)
    {
        var vocab = cases[0].Logits.Length;
        var rows = cases.Length;
        var stream = fixture.Stream;
        var capacity = historyCapacity ?? Math.Max(1, cases.Max(c => c.Prompt.Length + c.Output.Length));
        using var penalties = new DevicePenalties(fixture.Context, rows + 1, vocab, capacity, biasCapacity: 64, badWordCapacity: 128, breakerCapacity: 16);
        var slotOfRow = Enumerable.Range(0, rows).Select(r => rows - r).ToArray();
        for (var r = 0; r < rows; r++)
        {
            penalties.BeginRequest(stream, slotOfRow[r], cases[r].Prompt, Request(cases[r]));
        }
        var steps = cases.Max(c => c.Output.Length);
        var ids = new int[rows];
        for (var step = 0; step < steps; step++)
        {
            penalties.BeginStep(stream, slotOfRow);
            for (var r = 0; r < rows; r++)
            {
                ids[r] = step < cases[r].Output.Length ? cases[r].Output[step] : -1;
            }
            penalties.Append(stream, ids);
        }

        penalties.BeginStep(stream, slotOfRow);
        for (var r = 0; r < rows; r++)
        {
            if (cases[r].Guided is { } bits)
            {
                bits.CopyTo(penalties.GuidedMask(r));
            }
        }
        using var logits = fixture.Context.Accelerator.Allocate1D<float>([.. cases.SelectMany(c => c.Logits)]);
        using var enabled = fixture.Context.Accelerator.Allocate1D<int>(rows);
        penalties.ApplyPreStages(stream, logits.View);
        var orders = cases.Select(c => c.Params.Order).ToArray();
        var flags = new int[rows];
        for (var position = 0; position < orders.Max(o => o.Count); position++)
        {
            foreach (var id in (SamplerId[])[SamplerId.Dry, SamplerId.Penalties, SamplerId.NoRepeatNgram])
            {
                for (var r = 0; r < rows; r++)
                {
                    flags[r] = position < orders[r].Count && orders[r][position] == id ? 1 : 0;
                }
                if (!flags.Contains(1))
                {
                    continue;
                }
                enabled.View.CopyFromCPU(stream, flags);
                Launch(penalties, id, stream, logits.View, enabled.View);
            }
        }
        stream.Synchronize();
        var all = logits.GetAsArray1D();
        return [.. Enumerable.Range(0, rows).Select(r => all.AsSpan(r * vocab, vocab).ToArray())];
    }

    /// <summary>The CPU chain's logits after S0–S4 for a case whose other samplers are off.</summary>
    public static float[] Cpu(PenaltyCase c)
    {
        var vocab = c.Logits.Length;
        var chain = new SamplerChain(c.Params, new SamplerSetup(vocab, c.Eos) { TokenizerVocabSize = c.TokenizerVocabSize });
        var logits = (float[])c.Logits.Clone();
        if (c.Guided is { } bits)
        {
            // The guided mask is S1's first removal; −∞ survives Sanitise, so removing first is the same.
            for (var i = 0; i < vocab; i++)
            {
                if (((bits[i >> 5] >> (i & 31)) & 1) == 0)
                {
                    logits[i] = float.NegativeInfinity;
                }
            }
        }
        chain.Run(logits, c.Prompt, c.Output, seed: 0, choice: 0, mirostatMu: 0f, new SamplerWorkspace(vocab));
        return logits;
    }

    /// <summary>What the driver passes: the chain's per-request sets (stop set as SamplerChain builds it; id-valued bad words and breakers).</summary>
    public static PenaltyRequest Request(PenaltyCase c)
    {
        var p = c.Params;
        var vocab = c.Logits.Length;
        return new PenaltyRequest
        {
            Params = p.Validate(new SamplingLimits { VocabSize = vocab, MaxLogprobs = int.MaxValue, MaxN = int.MaxValue }),
            TokenizerVocabSize = Math.Min(c.TokenizerVocabSize ?? vocab, vocab),
            StopSet = [.. p.StopTokenIds.Concat(c.Eos).Concat(p.EosTokenIds).Where(id => (uint)id < (uint)vocab).Distinct()],
            BadWords = p.BadWordTokens,
            Breakers = p.DrySequenceBreakerIds,
        };
    }

    /// <summary>Bit-for-bit equality (the stages are elementwise float operations done in the CPU's order).</summary>
    public static void AssertBitEqual(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: logit {i} is {actual[i]:R} on the device, {expected[i]:R} on the CPU.");
        }
    }

    private static void Launch(DevicePenalties penalties, SamplerId id, AcceleratorStream stream, ArrayView<float> logits, ArrayView<int> enabled)
    {
        switch (id)
        {
            case SamplerId.Dry:
                penalties.ApplyDry(stream, logits, enabled);
                break;
            case SamplerId.Penalties:
                penalties.ApplyPenalties(stream, logits, enabled);
                break;
            default:
                penalties.ApplyNoRepeatNgram(stream, logits, enabled);
                break;
        }
    }
}
