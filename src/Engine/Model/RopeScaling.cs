namespace Engine.Model;

/// <summary>
/// HF <c>rope_scaling</c>: how the rotary frequencies are stretched for long contexts. <see cref="Type"/> is
/// one of <c>linear</c>, <c>dynamic</c>, <c>llama3</c>, <c>yarn</c> (HF's <c>rope_type</c>); the other members
/// are the fields those types read, with HF's defaults.
/// </summary>
public sealed record RopeScaling
{
    public required string Type { get; init; }

    /// <summary><c>factor</c>: the context stretch s.</summary>
    public double Factor { get; init; } = 1.0;

    /// <summary>llama3 <c>low_freq_factor</c>.</summary>
    public double LowFreqFactor { get; init; } = 1.0;

    /// <summary>llama3 <c>high_freq_factor</c>.</summary>
    public double HighFreqFactor { get; init; } = 4.0;

    /// <summary><c>original_max_position_embeddings</c> (llama3, yarn, dynamic); null means the model's MaxContext.</summary>
    public int? OriginalMaxPositionEmbeddings { get; init; }

    /// <summary>yarn <c>beta_fast</c>.</summary>
    public double BetaFast { get; init; } = 32.0;

    /// <summary>yarn <c>beta_slow</c>.</summary>
    public double BetaSlow { get; init; } = 1.0;

    /// <summary>yarn <c>attention_factor</c> (mscale); null means HF's default 0.1·ln(s) + 1.</summary>
    public double? AttentionFactor { get; init; }
}
