using System.Runtime.InteropServices;
using Loader.Safetensors;

namespace Loader.Tests.Adapters;

/// <summary>Writes PEFT-layout adapter directories with random F32 weights for the adapter tests.</summary>
internal static class LoraAdapterFiles
{
    public const string Prefix = "base_model.model.model.layers.";

    public static string ConfigJson(int r = 4, double alpha = 8, string targets = """["q_proj", "v_proj"]""", string extra = "") =>
        $$"""{"peft_type": "LORA", "r": {{r}}, "lora_alpha": {{alpha}}, "target_modules": {{targets}}, "bias": "none", "fan_in_fan_out": false{{extra}}}""";

    public static (string Name, long[] Shape) A(int layer, string module, int r, int inFeatures) =>
        ($"{Prefix}{layer}.{module}.lora_A.weight", [r, inFeatures]);

    public static (string Name, long[] Shape) B(int layer, string module, int outFeatures, int r) =>
        ($"{Prefix}{layer}.{module}.lora_B.weight", [outFeatures, r]);

    public static void Write(string dir, string configJson, params (string Name, long[] Shape)[] tensors)
    {
        File.WriteAllText(Path.Combine(dir, "adapter_config.json"), configJson);
        var random = new Random(1234);
        var entries = tensors.Select(t =>
        {
            var info = new SafetensorsTensorInfo(t.Name, SafetensorsDtype.F32, t.Shape);
            var values = new float[info.ElementCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(random.NextDouble() - 0.5);
            }
            return (info, (ReadOnlyMemory<byte>)MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        });
        SafetensorsWriter.WriteFile(Path.Combine(dir, "adapter_model.safetensors"), entries);
    }
}
