namespace Loader.Config;

/// <summary>
/// Reads <c>rope_theta</c> and <c>rope_scaling</c> (or the newer <c>rope_parameters</c>), accepting the
/// scaling type under <c>rope_type</c> or the legacy <c>type</c> key, as HF's rope validation does.
/// </summary>
internal static class RopeScalingParser
{
    private const string Supported = "default, linear, dynamic, yarn, llama3";

    public static (double Theta, RopeScaling? Scaling) Parse(JsonFields f)
    {
        var parameters = f.OptionalObject("rope_parameters");
        var theta = f.OptionalDouble("rope_theta") ?? parameters?.OptionalDouble("rope_theta") ?? 10000.0;
        if (theta <= 0)
        {
            throw new ModelConfigException(f.File, "rope_theta", $"must be positive, found {theta}");
        }
        var scaling = f.OptionalObject("rope_scaling") ?? parameters;
        return (theta, scaling is { } s ? ParseScaling(s, f.File) : null);
    }

    private static RopeScaling? ParseScaling(JsonFields s, string file)
    {
        var type = s.OptionalString("rope_type") ?? s.OptionalString("type");
        if (type is null or "default")
        {
            return null;
        }
        double Factor()
        {
            var factor = s.OptionalDouble("factor") ?? throw new ModelConfigException(file, "rope_scaling.factor", $"required for rope type '{type}'");
            return factor >= 1 ? factor : throw new ModelConfigException(file, "rope_scaling.factor", $"must be at least 1, found {factor}");
        }
        double Required(string name) =>
            s.OptionalDouble(name) ?? throw new ModelConfigException(file, "rope_scaling." + name, $"required for rope type '{type}'");
        return type switch
        {
            "linear" => new RopeScaling(RopeScalingType.Linear, Factor()),
            "dynamic" => new RopeScaling(RopeScalingType.Dynamic, Factor(), OriginalMaxPositionEmbeddings: s.OptionalInt("original_max_position_embeddings")),
            "yarn" => new RopeScaling(
                RopeScalingType.Yarn,
                Factor(),
                OriginalMaxPositionEmbeddings: s.OptionalInt("original_max_position_embeddings"),
                BetaFast: s.OptionalDouble("beta_fast") ?? 32,
                BetaSlow: s.OptionalDouble("beta_slow") ?? 1,
                AttentionFactor: s.OptionalDouble("attention_factor")),
            "llama3" => Llama3(s, file, Factor(), Required("low_freq_factor"), Required("high_freq_factor")),
            _ => throw new ModelConfigException(file, "rope_scaling", $"unsupported rope type '{type}'; supported: {Supported}"),
        };
    }

    private static RopeScaling Llama3(JsonFields s, string file, double factor, double low, double high)
    {
        var original = s.OptionalInt("original_max_position_embeddings")
            ?? throw new ModelConfigException(file, "rope_scaling.original_max_position_embeddings", "required for rope type 'llama3'");
        if (high <= low)
        {
            throw new ModelConfigException(file, "rope_scaling.high_freq_factor", $"{high} must exceed low_freq_factor {low}");
        }
        return new RopeScaling(RopeScalingType.Llama3, factor, low, high, original);
    }
}
