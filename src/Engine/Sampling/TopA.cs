namespace Engine.Sampling;

/// <summary>TOP_A (id 1, §7.3): θ = top_a · (max p)²; the argmax is never removed (deviation: aph could remove everything).</summary>
internal readonly struct TopA : IProbabilityFloor
{
    public static bool NeedsEntropy => false;

    public static float Floor(float parameter, float maxProbability, double entropy) => parameter * maxProbability * maxProbability;
}
