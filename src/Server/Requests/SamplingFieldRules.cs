using System.Globalization;
using System.Text.Json;
using Server.Errors;

namespace Server.Requests;

/// <summary>
/// Range checks of the numeric sampling fields, one row per field of samplers.md §13.
/// Interim: <c>Engine.Sampling.SamplingParams.FromJson</c> owns these ranges once it lands, and this table goes.
/// </summary>
internal static class SamplingFieldRules
{
    private const double Inf = double.PositiveInfinity;

    private readonly record struct Range(string Name, double Lo, bool LoOpen, double Hi, bool HiOpen);

    private static readonly Range[] Floats =
    [
        new("temperature", 0, false, Inf, true),
        new("dynatemp_min", 0, false, Inf, true),
        new("dynatemp_max", 0, false, Inf, true),
        new("dynatemp_range", 0, false, Inf, true),
        new("dynatemp_exponent", 0, false, Inf, true),
        new("top_p", 0, true, 1, false),
        new("top_a", 0, false, Inf, true),
        new("min_p", 0, false, 1, false),
        new("tfs", 0, true, 1, false),
        new("eta_cutoff", 0, false, Inf, true),
        new("epsilon_cutoff", 0, false, 1000, false),
        new("typical_p", 0, false, 1, false),
        new("smoothing_factor", 0, false, Inf, true),
        new("smoothing_curve", -Inf, true, Inf, true),
        new("nsigma", 0, false, Inf, true),
        new("xtc_threshold", 0, false, Inf, true),
        new("xtc_probability", 0, false, 1, false),
        new("skew", -Inf, true, Inf, true),
        new("mirostat_tau", 0, false, Inf, true),
        new("mirostat_eta", 0, false, Inf, true),
        new("repetition_penalty", 0, true, Inf, true),
        new("presence_penalty", -2, false, 2, false),
        new("frequency_penalty", -2, false, 2, false),
        new("dry_multiplier", 0, false, Inf, true),
        new("dry_base", 1, true, Inf, true),
        new("length_penalty", -Inf, true, Inf, true),
    ];

    private static readonly Range[] Ints =
    [
        new("top_k", -1, false, Inf, true),
        new("no_repeat_ngram_size", 0, false, Inf, true),
        new("no_repeat_ngram", 0, false, Inf, true),
        new("dry_allowed_length", 0, false, Inf, true),
        new("dry_range", 0, false, Inf, true),
        new("dry_max_ngram", 0, false, Inf, true),
        new("dry_max_occurrences", 0, false, Inf, true),
        new("dry_early_exit_match_len", 0, false, Inf, true),
        new("min_tokens", 0, false, Inf, true),
        new("prompt_logprobs", 0, false, Inf, true),
    ];

    private static readonly string[] Bools =
    [
        "temperature_last", "use_beam_search", "include_stop_str_in_output", "ignore_eos", "detokenize",
        "skip_special_tokens", "spaces_between_special_tokens",
    ];

    /// <summary>Checks the type and range of every table field present in <paramref name="body"/>.</summary>
    public static void Check(JsonElement body)
    {
        foreach (var r in Floats)
            if (JsonFields.Number(body, r.Name) is double d) CheckRange(r, d);
        foreach (var r in Ints)
            if (JsonFields.Long(body, r.Name) is long l) CheckRange(r, l);
        foreach (var name in Bools)
            _ = JsonFields.Bool(body, name);
        if (JsonFields.Int(body, "mirostat_mode") is int mode && mode is not (0 or 2))
            throw new RequestValidationException("mirostat_mode", $"mirostat_mode must be 0 or 2, got {mode}.");
    }

    private static void CheckRange(Range r, double value)
    {
        var aboveLo = r.LoOpen ? value > r.Lo : value >= r.Lo;
        var belowHi = r.HiOpen ? value < r.Hi : value <= r.Hi;
        if (aboveLo && belowHi) return;
        var got = value.ToString(CultureInfo.InvariantCulture);
        var rule = double.IsInfinity(r.Hi)
            ? $"{(r.LoOpen ? ">" : ">=")} {Format(r.Lo)}"
            : $"in {(r.LoOpen ? "(" : "[")}{Format(r.Lo)}, {Format(r.Hi)}{(r.HiOpen ? ")" : "]")}";
        throw new RequestValidationException(r.Name, $"{r.Name} must be {rule}, got {got}.");
    }

    private static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);
}
