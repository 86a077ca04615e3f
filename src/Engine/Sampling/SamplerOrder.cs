namespace Engine.Sampling;

/// <summary>The S4 execution order: the default, the <c>temperature_last</c> variant and <c>sampler_priority</c> parsing (samplers.md §3.2–3.4).</summary>
public static class SamplerOrder
{
    public const int Count = 14;

    /// <summary>DRY → PENALTIES → NO_REPEAT_NGRAM → TEMPERATURE → TOP_NSIGMA → TOP_P_TOP_K → TOP_A → MIN_P → TFS → ETA → EPSILON → TYPICAL → QUADRATIC → XTC.</summary>
    public static IReadOnlyList<SamplerId> Default { get; } =
    [
        SamplerId.Dry, SamplerId.Penalties, SamplerId.NoRepeatNgram, SamplerId.Temperature, SamplerId.TopNSigma,
        SamplerId.TopPTopK, SamplerId.TopA, SamplerId.MinP, SamplerId.Tfs, SamplerId.EtaCutoff,
        SamplerId.EpsilonCutoff, SamplerId.TypicalP, SamplerId.Quadratic, SamplerId.Xtc,
    ];

    /// <summary>The default order with TEMPERATURE moved after XTC (§3.4).</summary>
    public static IReadOnlyList<SamplerId> TemperatureLast { get; } =
        [.. Default.Where(static id => id != SamplerId.Temperature), SamplerId.Temperature];

    /// <summary>aph spelling of each id, used in error messages and accepted (case-insensitively) on input.</summary>
    public static string NameOf(SamplerId id) => id switch
    {
        SamplerId.TopPTopK => "TOP_P_TOP_K",
        SamplerId.TopA => "TOP_A",
        SamplerId.MinP => "MIN_P",
        SamplerId.Tfs => "TFS",
        SamplerId.TypicalP => "TYPICAL_P",
        SamplerId.Temperature => "TEMPERATURE",
        SamplerId.Penalties => "PENALTIES",
        SamplerId.Dry => "DRY",
        SamplerId.NoRepeatNgram => "NO_REPEAT_NGRAM",
        SamplerId.TopNSigma => "TOP_NSIGMA",
        SamplerId.EtaCutoff => "ETA_CUTOFF",
        SamplerId.EpsilonCutoff => "EPSILON_CUTOFF",
        SamplerId.Quadratic => "QUADRATIC",
        SamplerId.Xtc => "XTC",
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "Unknown sampler id."),
    };

    /// <summary>Parses a name such as <c>"min_p"</c>; null when unknown.</summary>
    public static SamplerId? Parse(string name)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(NameOf((SamplerId)i), name, StringComparison.OrdinalIgnoreCase))
            {
                return (SamplerId)i;
            }
        }
        return null;
    }

    /// <summary>
    /// The order a request runs: its own <c>sampler_priority</c> when non-empty (which overrides
    /// <c>temperature_last</c>), else the default or the temperature-last order.
    /// </summary>
    public static IReadOnlyList<SamplerId> Resolve(IReadOnlyList<SamplerId> priority, bool temperatureLast) =>
        priority.Count > 0 ? priority : temperatureLast ? TemperatureLast : Default;

    /// <summary>Rule 2 of §3.3: every id appears at least once. Returns the aph-worded message, or null when valid.</summary>
    public static string? MissingMessage(IReadOnlyList<SamplerId> priority)
    {
        var missing = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            if (!priority.Contains((SamplerId)i))
            {
                missing.Add($"'{NameOf((SamplerId)i)}'");
            }
        }
        return missing.Count == 0 ? null : $"Missing required samplers in priority list: [{string.Join(", ", missing)}]";
    }
}
