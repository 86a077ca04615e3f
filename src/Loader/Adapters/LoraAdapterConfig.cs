using System.Text.Json;
using System.Text.RegularExpressions;

namespace Loader.Adapters;

/// <summary>
/// A PEFT <c>adapter_config.json</c> of type LORA, with the matching rules PEFT applies: which modules an adapter
/// targets and each module's rank, alpha and scale.
/// </summary>
/// <remarks>
/// Module names are those of the base model without PEFT's <c>base_model.model.</c> prefix, e.g.
/// <c>model.layers.3.self_attn.q_proj</c>. Targets follow PEFT's <c>check_target_module_exists</c>: a list matches a
/// module whose name equals an entry or ends with <c>"." + entry</c>; a string is a regular expression that must
/// match the whole name. Rank and alpha patterns follow PEFT's <c>get_pattern_key</c>: the first key for which
/// <c>(.*\.)?(key)$</c> matches the name wins.
/// </remarks>
public sealed record LoraAdapterConfig
{
    public const string FileName = "adapter_config.json";

    /// <summary>The default rank <c>r</c>.</summary>
    public required int Rank { get; init; }

    /// <summary>The default <c>lora_alpha</c>.</summary>
    public required double Alpha { get; init; }

    /// <summary>Target module names (list form); empty when <see cref="TargetRegex"/> is set.</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = [];

    /// <summary>Target modules as one full-match regular expression (string form), or null.</summary>
    public string? TargetRegex { get; init; }

    /// <summary>rsLoRA: scale = alpha / sqrt(r) instead of alpha / r.</summary>
    public bool UseRsLora { get; init; }

    /// <summary>
    /// Recorded as given. PEFT resets it to false for <c>nn.Linear</c> targets (all Llama-family projections),
    /// so it changes nothing for the modules we support.
    /// </summary>
    public bool FanInFanOut { get; init; }

    /// <summary>Per-module rank overrides, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> RankPattern { get; init; } = [];

    /// <summary>Per-module alpha overrides, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> AlphaPattern { get; init; } = [];

    /// <summary>Layers the adapter applies to (PEFT <c>layers_to_transform</c>), or null for all.</summary>
    public IReadOnlySet<int>? LayersToTransform { get; init; }

    /// <summary>The base model the adapter was trained on, as written (informational).</summary>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary>Whether PEFT would attach a LoRA layer to <paramref name="moduleName"/> in layer <paramref name="layer"/>.</summary>
    public bool Targets(string moduleName, int layer)
    {
        if (LayersToTransform is not null && !LayersToTransform.Contains(layer))
        {
            return false;
        }
        if (TargetRegex is not null)
        {
            return Regex.IsMatch(moduleName, $"^(?:{TargetRegex})$", RegexOptions.CultureInvariant);
        }
        foreach (var target in TargetModules)
        {
            if (moduleName == target || moduleName.EndsWith("." + target, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The rank of <paramref name="moduleName"/>: its <see cref="RankPattern"/> entry, else <see cref="Rank"/>.</summary>
    public int RankOf(string moduleName) => FindPattern(RankPattern, moduleName, Rank);

    /// <summary>The alpha of <paramref name="moduleName"/>: its <see cref="AlphaPattern"/> entry, else <see cref="Alpha"/>.</summary>
    public double AlphaOf(string moduleName) => FindPattern(AlphaPattern, moduleName, Alpha);

    /// <summary>PEFT's scaling: <c>alpha / r</c>, or <c>alpha / sqrt(r)</c> with rsLoRA.</summary>
    public double ScaleOf(string moduleName)
    {
        var rank = RankOf(moduleName);
        var alpha = AlphaOf(moduleName);
        return UseRsLora ? alpha / Math.Sqrt(rank) : alpha / rank;
    }

    /// <summary>Reads <c>adapter_config.json</c> from <paramref name="directory"/>.</summary>
    public static LoraAdapterConfig Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new LoraFormatException(path, "file not found (a PEFT LoRA adapter directory holds adapter_config.json and adapter_model.safetensors)");
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return LoraAdapterConfigParser.Parse(doc.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new LoraFormatException(path, $"not valid JSON: {e.Message}", e);
        }
    }

    private static T FindPattern<T>(IReadOnlyList<KeyValuePair<string, T>> patterns, string moduleName, T fallback)
    {
        foreach (var (pattern, value) in patterns)
        {
            if (Regex.IsMatch(moduleName, $"^(?:.*\\.)?(?:{pattern})$", RegexOptions.CultureInvariant))
            {
                return value;
            }
        }
        return fallback;
    }
}
