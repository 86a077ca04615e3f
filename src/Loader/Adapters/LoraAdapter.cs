using System.Globalization;
using System.Text.RegularExpressions;
using Loader.Safetensors;

namespace Loader.Adapters;

/// <summary>
/// A PEFT LoRA adapter directory (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>) for a
/// Llama-family model, validated: every tensor is a known projection's <c>lora_A</c> or <c>lora_B</c>, each A has
/// its B, ranks agree with the config and with each other, and the config targets every adapted module.
/// Shapes against the base model are checked by whoever applies the adapter. Dispose to unmap the tensors.
/// </summary>
public sealed partial class LoraAdapter : IDisposable
{
    public const string WeightsFileName = "adapter_model.safetensors";

    private readonly SafetensorsFile _file;

    private LoraAdapter(string directory, LoraAdapterConfig config, SafetensorsFile file, IReadOnlyList<LoraModule> modules)
    {
        Directory = directory;
        Config = config;
        _file = file;
        Modules = modules;
    }

    public string Directory { get; }

    public LoraAdapterConfig Config { get; }

    /// <summary>The adapted layers, ordered by layer then projection.</summary>
    public IReadOnlyList<LoraModule> Modules { get; }

    /// <summary>Opens and validates the adapter in <paramref name="directory"/>.</summary>
    public static LoraAdapter Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new LoraFormatException(directory, "adapter directory not found");
        }
        var config = LoraAdapterConfig.Load(directory);
        var path = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(path))
        {
            throw new LoraFormatException(path, "file not found (adapter weights must be in safetensors format)");
        }
        var file = SafetensorsFile.Open(path);
        try
        {
            return new LoraAdapter(directory, config, file, ReadModules(config, file, path));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose() => _file.Dispose();

    private static List<LoraModule> ReadModules(LoraAdapterConfig config, SafetensorsFile file, string path)
    {
        var halves = new Dictionary<string, (SafetensorsTensor? A, SafetensorsTensor? B, int Layer, LoraProjection Projection)>(StringComparer.Ordinal);
        foreach (var tensor in file.Tensors)
        {
            var match = TensorName().Match(tensor.Name);
            if (!match.Success)
            {
                throw new LoraFormatException($"{path}: tensor '{tensor.Name}'",
                    "is not a LoRA weight of a supported module (expected base_model.model.model.layers.N.{self_attn.{q,k,v,o}_proj|mlp.{gate,up,down}_proj}.lora_{A,B}.weight)");
            }
            var projection = ParseProjection(match.Groups["block"].Value, match.Groups["proj"].Value)
                ?? throw new LoraFormatException($"{path}: tensor '{tensor.Name}'", $"'{match.Groups["proj"].Value}' does not belong under '{match.Groups["block"].Value}'");
            if (tensor.Dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16) || tensor.Shape.Count != 2)
            {
                throw new LoraFormatException($"{path}: tensor '{tensor.Name}'", $"must be a 2-D F32, F16 or BF16 matrix, got {SafetensorsDtypes.HeaderName(tensor.Dtype)} of rank {tensor.Shape.Count}");
            }
            var module = match.Groups["module"].Value;
            var layer = int.Parse(match.Groups["layer"].Value, CultureInfo.InvariantCulture);
            var entry = halves.GetValueOrDefault(module, (null, null, layer, projection));
            halves[module] = match.Groups["half"].Value == "A" ? entry with { A = tensor } : entry with { B = tensor };
        }

        var modules = new List<LoraModule>(halves.Count);
        foreach (var (module, (a, b, layer, projection)) in halves)
        {
            var where = $"{path}: module '{module}'";
            if (a is null || b is null)
            {
                throw new LoraFormatException(where, $"has lora_{(a is null ? "B" : "A")} but no lora_{(a is null ? "A" : "B")}");
            }
            if (!config.Targets(module, layer))
            {
                throw new LoraFormatException(where, "has weights but adapter_config.json's target_modules / layers_to_transform do not target it");
            }
            var rank = config.RankOf(module);
            if (a.Shape[0] != rank || b.Shape[1] != rank)
            {
                throw new LoraFormatException(where,
                    $"rank mismatch: lora_A is [{a.Shape[0]}, {a.Shape[1]}] and lora_B is [{b.Shape[0]}, {b.Shape[1]}], but the config's rank for it is {rank}");
            }
            modules.Add(new LoraModule(module, layer, projection, a, b, rank, config.ScaleOf(module)));
        }
        modules.Sort((x, y) => x.Layer != y.Layer ? x.Layer.CompareTo(y.Layer) : x.Projection.CompareTo(y.Projection));
        return modules;
    }

    private static LoraProjection? ParseProjection(string block, string proj) => (block, proj) switch
    {
        ("self_attn", "q_proj") => LoraProjection.Q,
        ("self_attn", "k_proj") => LoraProjection.K,
        ("self_attn", "v_proj") => LoraProjection.V,
        ("self_attn", "o_proj") => LoraProjection.O,
        ("mlp", "gate_proj") => LoraProjection.Gate,
        ("mlp", "up_proj") => LoraProjection.Up,
        ("mlp", "down_proj") => LoraProjection.Down,
        _ => null,
    };

    // PEFT saves without the adapter name; older exports keep ".default".
    [GeneratedRegex(@"^base_model\.model\.(?<module>model\.layers\.(?<layer>\d+)\.(?<block>self_attn|mlp)\.(?<proj>[a-z_]+))\.lora_(?<half>A|B)(?:\.default)?\.weight$", RegexOptions.CultureInvariant)]
    private static partial Regex TensorName();
}
