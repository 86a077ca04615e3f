using System.Text.Json;
using System.Text.RegularExpressions;

namespace Loader.Adapters;

/// <summary>Turns the JSON of <c>adapter_config.json</c> into a <see cref="LoraAdapterConfig"/>, refusing what we cannot serve.</summary>
internal static class LoraAdapterConfigParser
{
    public static LoraAdapterConfig Parse(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new LoraFormatException(path, "the top level must be a JSON object");
        }
        var peftType = OptionalString(root, "peft_type", path);
        if (peftType is not null && !string.Equals(peftType, "LORA", StringComparison.OrdinalIgnoreCase))
        {
            throw new LoraFormatException($"{path}: field 'peft_type'", $"'{peftType}' is not supported; only LORA adapters are");
        }
        if (OptionalBool(root, "use_dora", path))
        {
            throw new LoraFormatException($"{path}: field 'use_dora'", "DoRA adapters are not supported");
        }
        var bias = OptionalString(root, "bias", path) ?? "none";
        if (bias != "none")
        {
            throw new LoraFormatException($"{path}: field 'bias'", $"'{bias}' is not supported; only \"none\" is");
        }
        if (root.TryGetProperty("modules_to_save", out var saved) && saved.ValueKind == JsonValueKind.Array && saved.GetArrayLength() > 0)
        {
            throw new LoraFormatException($"{path}: field 'modules_to_save'", "fully trained extra modules are not supported; only LoRA deltas are");
        }

        var rank = RequiredInt(root, "r", path);
        if (rank <= 0)
        {
            throw new LoraFormatException($"{path}: field 'r'", $"must be a positive integer, got {rank}");
        }
        var alpha = root.TryGetProperty("lora_alpha", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : rank;

        IReadOnlyList<string> targets = [];
        string? targetRegex = null;
        if (!root.TryGetProperty("target_modules", out var t) || t.ValueKind == JsonValueKind.Null)
        {
            throw new LoraFormatException($"{path}: field 'target_modules'", "is required (a list of module names or a regular expression)");
        }
        if (t.ValueKind == JsonValueKind.String)
        {
            targetRegex = t.GetString()!;
            try
            {
                _ = new Regex(targetRegex, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new LoraFormatException($"{path}: field 'target_modules'", $"'{targetRegex}' is not a valid regular expression: {e.Message}", e);
            }
        }
        else if (t.ValueKind == JsonValueKind.Array)
        {
            targets = [.. t.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
                ? e.GetString()!
                : throw new LoraFormatException($"{path}: field 'target_modules'", "entries must be strings"))];
        }
        else
        {
            throw new LoraFormatException($"{path}: field 'target_modules'", "must be a list of strings or a string");
        }

        return new LoraAdapterConfig
        {
            Rank = rank,
            Alpha = alpha,
            TargetModules = targets,
            TargetRegex = targetRegex,
            UseRsLora = OptionalBool(root, "use_rslora", path),
            FanInFanOut = OptionalBool(root, "fan_in_fan_out", path),
            RankPattern = Patterns(root, "rank_pattern", path, e => e.TryGetInt32(out var v) && v > 0 ? v : (int?)null),
            AlphaPattern = Patterns(root, "alpha_pattern", path, e => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : (double?)null),
            LayersToTransform = Layers(root, path),
            BaseModelNameOrPath = OptionalString(root, "base_model_name_or_path", path),
        };
    }

    private static List<KeyValuePair<string, T>> Patterns<T>(JsonElement root, string field, string path, Func<JsonElement, T?> read)
        where T : struct
    {
        if (!root.TryGetProperty(field, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (p.ValueKind != JsonValueKind.Object)
        {
            throw new LoraFormatException($"{path}: field '{field}'", "must be an object mapping module patterns to values");
        }
        var list = new List<KeyValuePair<string, T>>();
        foreach (var entry in p.EnumerateObject())
        {
            var value = read(entry.Value) ?? throw new LoraFormatException($"{path}: field '{field}.{entry.Name}'", "must be a positive number");
            list.Add(new(entry.Name, value));
        }
        return list;
    }

    private static HashSet<int>? Layers(JsonElement root, string path)
    {
        if (!root.TryGetProperty("layers_to_transform", out var l) || l.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var one))
        {
            return [one];
        }
        if (l.ValueKind == JsonValueKind.Array)
        {
            return [.. l.EnumerateArray().Select(e => e.TryGetInt32(out var v) ? v
                : throw new LoraFormatException($"{path}: field 'layers_to_transform'", "entries must be integers"))];
        }
        throw new LoraFormatException($"{path}: field 'layers_to_transform'", "must be an integer or a list of integers");
    }

    private static int RequiredInt(JsonElement root, string field, string path) =>
        root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)
            ? i
            : throw new LoraFormatException($"{path}: field '{field}'", "is required and must be an integer");

    private static bool OptionalBool(JsonElement root, string field, string path) =>
        root.TryGetProperty(field, out var v) ? v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new LoraFormatException($"{path}: field '{field}'", "must be true or false"),
        } : false;

    private static string? OptionalString(JsonElement root, string field, string path) =>
        root.TryGetProperty(field, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null => null,
            _ => throw new LoraFormatException($"{path}: field '{field}'", "must be a string"),
        } : null;
}
