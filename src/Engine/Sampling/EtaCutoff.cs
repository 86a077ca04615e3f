namespace Engine.Sampling;

/// <summary>ETA_CUTOFF (id 10, §7.6): η = eta_cutoff · 1e−4 (§11 D1); θ = min(η, √η · e^(−H(p))).</summary>
internal readonly struct EtaCutoff : IProbabilityFloor
{
    public static bool NeedsEntropy => true;

    public static float Floor(float parameter, float maxProbability, double entropy)
    {
        var eta = parameter * 1e-4;
        return (float)Math.Min(eta, Math.Sqrt(eta) * Math.Exp(-entropy));
    }
}
