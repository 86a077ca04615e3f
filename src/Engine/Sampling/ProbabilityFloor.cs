namespace Engine.Sampling;

/// <summary>The generic loop behind the probability-floor samplers (<see cref="IProbabilityFloor"/>).</summary>
internal static class ProbabilityFloor
{
    public static void Apply<TFloor>(Span<float> logits, float parameter, SamplerWorkspace ws)
        where TFloor : struct, IProbabilityFloor
    {
        var probs = ws.ProbabilitiesOf(logits);
        var top = Probabilities.ArgMax(probs);
        if (probs[top] <= 0f)
        {
            return; // nothing alive (§3.7 rule 2)
        }
        var entropy = TFloor.NeedsEntropy ? Probabilities.Entropy(probs) : 0.0;
        var theta = TFloor.Floor(parameter, probs[top], entropy);
        if (Probabilities.RemoveBelow(logits, probs, theta, top))
        {
            ws.ProbsValid = false;
        }
    }
}
