namespace Loader.Config;

/// <summary>The RoPE scaling schemes the engine implements (HF <c>rope_scaling.rope_type</c>).</summary>
public enum RopeScalingType
{
    /// <summary>Llama 3.1: per-frequency blend of scaled and unscaled wavelengths.</summary>
    Llama3,

    /// <summary>Position interpolation: positions divided by the factor.</summary>
    Linear,

    /// <summary>Dynamic NTK: the base grows with the sequence length past the original context.</summary>
    Dynamic,

    /// <summary>YaRN: NTK-by-parts interpolation plus attention temperature.</summary>
    Yarn,
}
