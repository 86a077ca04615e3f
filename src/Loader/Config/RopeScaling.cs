namespace Loader.Config;

/// <summary>
/// <c>rope_scaling</c> of config.json. Fields not used by <see cref="Type"/> are null. Defaults follow HF
/// transformers: YaRN's beta_fast 32 and beta_slow 1; llama3 requires all four of its fields.
/// </summary>
public sealed record RopeScaling(
    RopeScalingType Type,
    double Factor,
    double? LowFreqFactor = null,
    double? HighFreqFactor = null,
    int? OriginalMaxPositionEmbeddings = null,
    double? BetaFast = null,
    double? BetaSlow = null,
    double? AttentionFactor = null);
