namespace Engine.Sampling;

/// <summary>
/// A truncation sampler of the form "remove p_i &lt; θ, never the argmax token": TOP_A, MIN_P, ETA_CUTOFF,
/// EPSILON_CUTOFF. Each supplies θ as a static member; <see cref="ProbabilityFloor.Apply{TFloor}"/> is the
/// one generic loop (specialised per struct by the JIT, like TensorPrimitives' operators).
/// </summary>
internal interface IProbabilityFloor
{
    /// <summary>Whether <see cref="Floor"/> reads the entropy (computed only then).</summary>
    static abstract bool NeedsEntropy { get; }

    /// <summary>θ from the parameter, the top probability and H(p) in nats.</summary>
    static abstract float Floor(float parameter, float maxProbability, double entropy);
}
