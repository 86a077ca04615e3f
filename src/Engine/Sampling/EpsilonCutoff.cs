namespace Engine.Sampling;

/// <summary>EPSILON_CUTOFF (id 11, §7.7): θ = epsilon_cutoff · 1e−4 (§11 D1).</summary>
internal readonly struct EpsilonCutoff : IProbabilityFloor
{
    public static bool NeedsEntropy => false;

    public static float Floor(float parameter, float maxProbability, double entropy) => (float)(parameter * 1e-4);
}
