using System.Globalization;
using System.Runtime.InteropServices;
using Engine.Model;
using Loader.Safetensors;

namespace Engine.Tests.Lora;

/// <summary>
/// Writes a PEFT adapter directory with random weights (uniform in ±0.05, fixed seed) for the given projections of
/// the given layers, shaped from a <see cref="ModelConfig"/>; <c>scale = alpha / rank</c>.
/// </summary>
internal static class RandomLoraAdapter
{
    public static void Write(string dir, ModelConfig config, int rank, int alpha, int seed, int[] layers, string[] targets)
    {
        Directory.CreateDirectory(dir);
        var targetList = string.Join(", ", targets.Select(t => $"\"{t}\""));
        File.WriteAllText(Path.Combine(dir, "adapter_config.json"), string.Create(CultureInfo.InvariantCulture,
            $$"""{"peft_type": "LORA", "r": {{rank}}, "lora_alpha": {{alpha}}, "target_modules": [{{targetList}}], "bias": "none"}"""));
        var random = new Random(seed);
        var tensors = new List<(SafetensorsTensorInfo, ReadOnlyMemory<byte>)>();
        foreach (var layer in layers)
        {
            foreach (var target in targets)
            {
                var (block, outF, inF) = Shape(config, target);
                var prefix = $"base_model.model.model.layers.{layer}.{block}.{target}";
                tensors.Add(Random(random, $"{prefix}.lora_A.weight", rank, inF));
                tensors.Add(Random(random, $"{prefix}.lora_B.weight", outF, rank));
            }
        }
        SafetensorsWriter.WriteFile(Path.Combine(dir, "adapter_model.safetensors"), tensors);
    }

    private static (string Block, int Out, int In) Shape(ModelConfig c, string target) => target switch
    {
        "q_proj" => ("self_attn", c.QDim, c.Dim),
        "k_proj" or "v_proj" => ("self_attn", c.KvDim, c.Dim),
        "o_proj" => ("self_attn", c.Dim, c.QDim),
        "gate_proj" or "up_proj" => ("mlp", c.HiddenDim, c.Dim),
        "down_proj" => ("mlp", c.Dim, c.HiddenDim),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "not a Llama projection"),
    };

    private static (SafetensorsTensorInfo, ReadOnlyMemory<byte>) Random(Random random, string name, int rows, int cols)
    {
        var values = Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() - 0.5) / 10).ToArray();
        return (new SafetensorsTensorInfo(name, SafetensorsDtype.F32, [rows, cols]), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }
}
