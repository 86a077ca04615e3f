using System.Runtime.InteropServices;
using Convert.Lora;
using Engine.Lora;
using Engine.Model;
using Engine.Tests.Model;
using Loader.Adapters;
using Loader.Safetensors;

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

    /// <summary>Rank 4, alpha 8, random weights of magnitude ~0.05 on q/v (64→64), gate (64→172) and down (172→64) of layers 0 and 3.</summary>
    private static void WriteAdapter(string dir, int inFeatures = 64)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "adapter_config.json"),
            """{"peft_type": "LORA", "r": 4, "lora_alpha": 8, "target_modules": ["q_proj", "v_proj", "gate_proj", "down_proj"], "bias": "none"}""");
        var random = new Random(5);
        var tensors = new List<(SafetensorsTensorInfo, ReadOnlyMemory<byte>)>();
        foreach (var layer in new[] { 0, 3 })
        {
            foreach (var (module, outF, inF) in new[] { ("self_attn.q_proj", 64, inFeatures), ("self_attn.v_proj", 64, 64), ("mlp.gate_proj", 172, 64), ("mlp.down_proj", 64, 172) })
            {
                var prefix = $"base_model.model.model.layers.{layer}.{module}";
                tensors.Add(Random(random, $"{prefix}.lora_A.weight", 4, inF));
                tensors.Add(Random(random, $"{prefix}.lora_B.weight", outF, 4));
            }
        }
        SafetensorsWriter.WriteFile(Path.Combine(dir, "adapter_model.safetensors"), tensors);
    }

    private static (SafetensorsTensorInfo, ReadOnlyMemory<byte>) Random(Random random, string name, int rows, int cols)
    {
        var values = Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() - 0.5) / 10).ToArray();
        return (new SafetensorsTensorInfo(name, SafetensorsDtype.F32, [rows, cols]), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }
}
