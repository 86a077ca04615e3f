using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.Lora;
using Engine.Model;
using Engine.Tests.Model;
using Loader.Adapters;

namespace Engine.Tests.Lora;

/// <summary>
/// Unmerged LoRA on the real aidreams260K model: adapter A (rank 4: q, v, gate, down of every layer) and adapter B
/// (rank 8: k, o, up and q of layers 0, 2, 3), run per sequence in shared forward steps, prefill then decode.
/// </summary>
public sealed class UnmergedLoraTests : IDisposable
{
    private static readonly int[] Prompt = [1, 429, 470, 432, 458, 375, 431]; // " Pixels" as run.c encodes it
    private static readonly int[] Prompt2 = [1, 365, 372, 301];
    private static readonly int[] Decoded = [290, 322, 415, 270]; // fed back one per decode step

    private readonly string _root = Path.Combine(Path.GetTempPath(), "engine-unmerged-lora-" + Guid.NewGuid().ToString("N"));
    private readonly ModelCheckpoint _checkpoint = Aidreams260KModel.Open();
    private readonly LoraAdapter _adapterA;
    private readonly LoraAdapter _adapterB;

    public UnmergedLoraTests()
    {
        var c = _checkpoint.Config;
        RandomLoraAdapter.Write(Path.Combine(_root, "a"), c, rank: 4, alpha: 8, seed: 11, [.. Enumerable.Range(0, c.NumLayers)], ["q_proj", "v_proj", "gate_proj", "down_proj"]);
        RandomLoraAdapter.Write(Path.Combine(_root, "b"), c, rank: 8, alpha: 4, seed: 12, [0, 2, 3], ["q_proj", "k_proj", "o_proj", "up_proj"]);
        _adapterA = LoraAdapter.Open(Path.Combine(_root, "a"));
        _adapterB = LoraAdapter.Open(Path.Combine(_root, "b"));
    }

    public void Dispose()
    {
        _adapterA.Dispose();
        _adapterB.Dispose();
        _checkpoint.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(0, 2.0f)]
    [InlineData(0, -0.5f)]
    [InlineData(1, 1.0f)]
    public void UnmergedForward_EqualsMergedWeights_WithinFloat32SumOrder(int adapter, float multiplier)
    {
        var merged = LoraWeights.Merge(_checkpoint.Weights, adapter == 0 ? _adapterA : _adapterB, multiplier);
        using var mergedHarness = new ModelHarness(_checkpoint.Config, merged);
        using var unmerged = Harness();

        var expected = Run(mergedHarness, -1, 0);
        var actual = Run(unmerged, adapter, multiplier);

        // W'x with W' = W + c·BA rounded to float32 and Wx + c·B(Ax) are the same sum in a different order and
        // rounding; over 4 layers the logits move by a few float32 ulps (measured: at most 3.3e-6 relative to
        // max(1, |z|)), so 1e-5 leaves a 3× margin yet stays far below the adapter's own effect (> 1e-2).
        for (var s = 0; s < expected.Length; s++)
        {
            for (var i = 0; i < expected[s].Length; i++)
            {
                Assert.True(Math.Abs(expected[s][i] - actual[s][i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected[s][i])),
                    $"step {s}, logit {i}: merged {expected[s][i]}, unmerged {actual[s][i]}");
            }
        }
        using var plain = new ModelHarness(_checkpoint.Config, _checkpoint.Weights);
        Assert.True(MaxAbsDifference(Run(plain, -1, 0), actual) > 1e-2f, "the adapter should change the logits");
    }

    [Fact]
    public void MultiplierZero_GivesTheBaseLogitsBitForBit()
    {
        using var plain = new ModelHarness(_checkpoint.Config, _checkpoint.Weights);
        using var adapted = Harness();

        Assert.Equal(Run(plain, -1, 0), Run(adapted, 0, 0f));
    }

    [Fact]
    public void BaseRows_WithAdaptersLoaded_GiveTheBaseLogitsBitForBit()
    {
        using var plain = new ModelHarness(_checkpoint.Config, _checkpoint.Weights);
        using var adapted = Harness();

        Assert.Equal(Run(plain, -1, 0), Run(adapted, -1, 0));
    }

    [Fact]
    public void MixedBatch_GivesEverySequenceTheLogitsOfItsRunAlone_BitForBit()
    {
        // Sequences 0 and 1 share adapter A (one segment, different multipliers), a base row splits A's rows,
        // and adapter B has another rank. Both shrink and expand compute each row on its own, so bits match.
        (int Seq, int[] Prompt, int LoraId, float Multiplier)[] seqs =
            [(0, Prompt, 0, 0.5f), (1, Prompt, 0, 2f), (2, Prompt, -1, 0f), (3, Prompt2, 1, 1f), (4, Prompt2, 0, 1f), (5, Prompt, 0, 0f)];
        using var mixed = Harness();
        var together = new List<float[][]> { mixed.Step([.. seqs.Select(s => (s.Seq, s.Prompt, s.LoraId, s.Multiplier))]) };
        foreach (var token in Decoded)
        {
            together.Add(mixed.Step([.. seqs.Select(s => (s.Seq, new[] { token }, s.LoraId, s.Multiplier))]));
        }

        for (var i = 0; i < seqs.Length; i++)
        {
            using var alone = Harness();
            var expected = Run(alone, seqs[i].LoraId, seqs[i].Multiplier, seqs[i].Prompt);
            Assert.Equal(expected, together.Select(step => step[i]).ToArray());
        }
        Assert.NotEqual(together[^1][0], together[^1][1]); // the multiplier matters
        Assert.NotEqual(together[^1][0], together[^1][2]); // the adapter matters
    }

    [Fact]
    public void UnmergedDecodeStep_AllocatesNothing_OnTheCallingThread()
    {
        var c = _checkpoint.Config;
        using var backend = new CpuBackend(threads: 2);
        var set = new LoraAdapterSet(c, backend, maxRank: 8);
        set.Add(_adapterA);
        set.Add(_adapterB);
        var model = new LlamaModel(c, LlamaWeights.Bind(c, _checkpoint.Weights), backend, maxBatchTokens: 16, maxBatchSeqs: 4, set);
        var cache = model.AllocateKvCache(numBlocks: 16, blockSize: 4);
        var batch = new ForwardBatch(16, 4, maxBlocksPerSeq: 4, blockSize: 4);
        var logits = new float[4 * c.VocabSize];
        int[] token = [Prompt[0]];
        int[][] tables = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]];
        long allocated = 0;
        for (var position = 0; position < 3; position++)   // step 0 warms up the JIT
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            batch.Clear();
            batch.AddSequence(token, position, tables[0], computeLogits: true, loraId: 0, loraMultiplier: 0.5f);
            batch.AddSequence(token, position, tables[1], computeLogits: true, loraId: 0, loraMultiplier: 2f);
            batch.AddSequence(token, position, tables[2], computeLogits: true);
            batch.AddSequence(token, position, tables[3], computeLogits: true, loraId: 1, loraMultiplier: 1f);
            model.Forward(batch, cache, logits);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, allocated);
    }

    private ModelHarness Harness() => new(_checkpoint.Config, _checkpoint.Weights, adapters: backend =>
    {
        var set = new LoraAdapterSet(_checkpoint.Config, backend, maxRank: 8);
        Assert.Equal(0, set.Add(_adapterA));
        Assert.Equal(1, set.Add(_adapterB));
        return set;
    });

    // Prefill the prompt, then one decode step per token of Decoded; the logits of every step.
    private static float[][] Run(ModelHarness harness, int loraId, float multiplier, int[]? prompt = null)
    {
        var steps = new List<float[]> { harness.Step((0, prompt ?? Prompt, loraId, multiplier))[0] };
        foreach (var token in Decoded)
        {
            steps.Add(harness.Step((0, new[] { token }, loraId, multiplier))[0]);
        }
        return [.. steps];
    }

    private static float MaxAbsDifference(float[][] a, float[][] b) =>
        a.Zip(b).SelectMany(p => p.First.Zip(p.Second, (x, y) => Math.Abs(x - y))).Max();
}
