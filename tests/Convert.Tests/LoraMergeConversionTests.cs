using System.Runtime.InteropServices;
using ConvertTool.Cli;
using ConvertTool.Llama2c;
using ConvertTool.Lora;
using Loader.Adapters;
using Loader.Safetensors;

namespace ConvertTool.Tests;

public sealed class LoraMergeConversionTests
{
    private const int Rank = 2;
    private const double Alpha = 6; // scale alpha / r = 3

    [Fact]
    public void AdaptedWeightsGainScaledDelta_OthersAndFilesAreCopiedUnchanged()
    {
        using var dir = new TempDirectory();
        var (baseDir, adapterDir, deltas) = Prepare(dir);
        var outDir = dir.File("merged");

        LoraMergeConversion.Run(new LoraMergeOptions(baseDir, adapterDir, outDir, Multiplier: 2));

        using var before = SafetensorsCheckpoint.Open(baseDir);
        using var after = SafetensorsCheckpoint.Open(outDir);
        Assert.Equal(before.Tensors.Select(t => (t.Name, t.Dtype, t.Info.ShapeText)), after.Tensors.Select(t => (t.Name, t.Dtype, t.Info.ShapeText)));
        foreach (var tensor in before.Tensors)
        {
            var merged = after.GetTensor(tensor.Name).ToFloat32Array();
            if (!deltas.TryGetValue(tensor.Name, out var delta))
            {
                Assert.Equal(tensor.Bytes.ToArray(), after.GetTensor(tensor.Name).Bytes.ToArray());
                continue;
            }
            var original = tensor.ToFloat32Array();
            for (var i = 0; i < original.Length; i++)
            {
                // float32 sum of two products and one add: within 1e-6 of the double reference at these magnitudes.
                Assert.Equal(original[i] + (2 * (Alpha / Rank) * delta[i]), merged[i], 1e-6);
            }
        }
        foreach (var name in new[] { "config.json", "tokenizer.json", "generation_config.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(baseDir, name)), File.ReadAllBytes(Path.Combine(outDir, name)));
        }
    }

    [Fact]
    public void MultiplierZero_WritesTheBaseCheckpointBitForBit()
    {
        using var dir = new TempDirectory();
        var (baseDir, adapterDir, _) = Prepare(dir);
        var outDir = dir.File("zero");

        LoraMergeConversion.Run(new LoraMergeOptions(baseDir, adapterDir, outDir, Multiplier: 0));

        Assert.Equal(File.ReadAllBytes(Path.Combine(baseDir, "model.safetensors")), File.ReadAllBytes(Path.Combine(outDir, "model.safetensors")));
    }

    [Fact]
    public void Throws_NamingTheTensor_WhenAdapterShapeDoesNotFitTheBase()
    {
        using var dir = new TempDirectory();
        var baseDir = dir.File("base");
        Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, baseDir));
        var adapterDir = dir.File("adapter");
        WriteAdapter(adapterDir, new Random(3), ("self_attn.q_proj", 0, Aidreams.Dim, Aidreams.Dim + 1)); // in-features off by one

        var e = Assert.Throws<LoraFormatException>(() => LoraMergeConversion.Run(new LoraMergeOptions(baseDir, adapterDir, dir.File("o"))));

        Assert.Contains("model.layers.0.self_attn.q_proj.weight", e.Message);
    }

    [Fact]
    public void Cli_ReturnsZeroOnSuccess_AndOneOnBadAdapter()
    {
        using var dir = new TempDirectory();
        var (baseDir, adapterDir, _) = Prepare(dir);

        Assert.Equal(0, ConvertCli.Build().Parse(["merge-lora", "--base", baseDir, "--adapter", adapterDir, "--multiplier", "0.5", "--out", dir.File("m")]).Invoke());
        Assert.Equal(1, ConvertCli.Build().Parse(["merge-lora", "--base", baseDir, "--adapter", dir.File("nope"), "--out", dir.File("m2")]).Invoke());
    }

    /// <summary>The converted aidreams260K model and an adapter on q_proj (layer 0) and down_proj (layer 2), with each delta B·A in double.</summary>
    private static (string BaseDir, string AdapterDir, Dictionary<string, double[]> Deltas) Prepare(TempDirectory dir)
    {
        var baseDir = dir.File("base");
        Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, baseDir));
        var adapterDir = dir.File("adapter");
        var deltas = WriteAdapter(adapterDir, new Random(42),
            ("self_attn.q_proj", 0, Aidreams.Dim, Aidreams.Dim),
            ("mlp.down_proj", 2, Aidreams.Dim, Aidreams.Hidden));
        return (baseDir, adapterDir, deltas);
    }

    private static Dictionary<string, double[]> WriteAdapter(string adapterDir, Random random, params (string Module, int Layer, int Out, int In)[] modules)
    {
        Directory.CreateDirectory(adapterDir);
        File.WriteAllText(Path.Combine(adapterDir, "adapter_config.json"),
            $$"""{"peft_type": "LORA", "r": {{Rank}}, "lora_alpha": {{Alpha}}, "target_modules": ["q_proj", "down_proj"], "bias": "none"}""");
        var tensors = new List<(SafetensorsTensorInfo, ReadOnlyMemory<byte>)>();
        var deltas = new Dictionary<string, double[]>();
        foreach (var (module, layer, outF, inF) in modules)
        {
            var a = Enumerable.Range(0, Rank * inF).Select(_ => (float)(random.NextDouble() - 0.5) / 10).ToArray();
            var b = Enumerable.Range(0, outF * Rank).Select(_ => (float)(random.NextDouble() - 0.5) / 10).ToArray();
            var name = $"model.layers.{layer}.{module}";
            tensors.Add((new SafetensorsTensorInfo($"base_model.model.{name}.lora_A.weight", SafetensorsDtype.F32, [Rank, inF]), MemoryMarshal.AsBytes(a.AsSpan()).ToArray()));
            tensors.Add((new SafetensorsTensorInfo($"base_model.model.{name}.lora_B.weight", SafetensorsDtype.F32, [outF, Rank]), MemoryMarshal.AsBytes(b.AsSpan()).ToArray()));
            var delta = new double[outF * inF];
            for (var o = 0; o < outF; o++)
            {
                for (var i = 0; i < inF; i++)
                {
                    for (var k = 0; k < Rank; k++)
                    {
                        delta[o * inF + i] += (double)b[o * Rank + k] * a[k * inF + i];
                    }
                }
            }
            deltas[name + ".weight"] = delta;
        }
        SafetensorsWriter.WriteFile(Path.Combine(adapterDir, "adapter_model.safetensors"), tensors);
        return deltas;
    }
}
