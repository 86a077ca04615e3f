using ConvertTool.Lora;
using Engine.Lora;
using Engine.Model;
using Engine.Tests.Model;
using Loader.Adapters;

namespace Engine.Tests.Lora;

/// <summary>Runtime LoRA merge on the real aidreams260K model with a random adapter on q, v, gate and down projections.</summary>
public sealed class LoraWeightsTests : IDisposable
{
    private static readonly int[] Prompt = [1, 429, 470, 432, 458, 375, 431]; // " Pixels" as run.c encodes it

    private readonly string _adapterDir = Path.Combine(Path.GetTempPath(), "engine-lora-tests-" + Guid.NewGuid().ToString("N"));

    public LoraWeightsTests() => WriteAdapter(_adapterDir);

    public void Dispose() => Directory.Delete(_adapterDir, recursive: true);

    [Fact]
    public void MultiplierZero_GivesTheBaseLogitsBitForBit()
    {
        using var checkpoint = Aidreams260KModel.Open();
        using var adapter = LoraAdapter.Open(_adapterDir);

        var baseLogits = Logits(checkpoint.Config, checkpoint.Weights);
        var zeroLogits = Logits(checkpoint.Config, LoraWeights.Merge(checkpoint.Weights, adapter, 0));

        Assert.Equal(baseLogits, zeroLogits);
    }

    [Fact]
    public void RuntimeMerge_EqualsTheCheckpointWrittenByMergeLora_AndLeavesTheBaseUntouched()
    {
        using var checkpoint = Aidreams260KModel.Open();
        using var adapter = LoraAdapter.Open(_adapterDir);
        var before = Logits(checkpoint.Config, checkpoint.Weights);
        var mergedDir = Path.Combine(_adapterDir, "merged");
        LoraMergeConversion.Run(new LoraMergeOptions(Aidreams260KModel.Directory, _adapterDir, mergedDir, Multiplier: 2));
        using var written = ModelCheckpoint.Open(mergedDir);

        var runtime = Logits(checkpoint.Config, LoraWeights.Merge(checkpoint.Weights, adapter, 2));
        var fromDisk = Logits(written.Config, written.Weights);

        Assert.Equal(fromDisk, runtime);
        Assert.NotEqual(before, runtime); // the adapter changes the model
        Assert.Equal(before, Logits(checkpoint.Config, checkpoint.Weights)); // unmerge = the untouched base
    }

    [Fact]
    public void Throws_NamingTheTensor_WhenTheAdapterDoesNotFitTheModel()
    {
        using var checkpoint = Aidreams260KModel.Open();
        var wrongDir = Path.Combine(_adapterDir, "wrong");
        WriteAdapter(wrongDir, inFeatures: 65);
        using var adapter = LoraAdapter.Open(wrongDir);

        var e = Assert.Throws<LoraFormatException>(() => LoraWeights.Merge(checkpoint.Weights, adapter, 1));

        Assert.Contains("model.layers.0.self_attn.q_proj.weight", e.Message);
    }

    private static float[] Logits(ModelConfig config, Weights weights)
    {
        using var harness = new ModelHarness(config, weights, blockSize: 4);
        return [.. harness.Step((0, Prompt)).SelectMany(l => l)];
    }

    /// <summary>
    /// Rank 4, alpha 8, random weights of magnitude ~0.05 on q/v (64→64), gate (64→172) and down (172→64) of layers
    /// 0 and 3; another <paramref name="inFeatures"/> makes an adapter for a wider model (q_proj reads 65 inputs).
    /// </summary>
    private static void WriteAdapter(string dir, int inFeatures = 64)
    {
        using var checkpoint = Aidreams260KModel.Open();
        var shapes = checkpoint.Config with { Dim = inFeatures };
        RandomLoraAdapter.Write(dir, shapes, rank: 4, alpha: 8, seed: 5, [0, 3], ["q_proj", "v_proj", "gate_proj", "down_proj"]);
    }
}
