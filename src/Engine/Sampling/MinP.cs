namespace Engine.Sampling;

/// <summary>MIN_P (id 2, §7.4): θ = min_p · max p; a token exactly at θ survives.</summary>
internal readonly struct MinP : IProbabilityFloor
{
    public static bool NeedsEntropy => false;

    public static float Floor(float parameter, float maxProbability, double entropy) => parameter * maxProbability;
}
