namespace Engine.Sampling;

/// <summary>Beam search stopping rule (samplers.md §8.5): JSON <c>true</c>, <c>false</c> or <c>"never"</c>.</summary>
public enum EarlyStopping
{
    /// <summary>Stop when the worst kept finished score is at least the best live beam's score at its current length.</summary>
    False,

    /// <summary>Stop as soon as beam-width finished candidates exist.</summary>
    True,

    /// <summary>As <see cref="False"/>, but with a positive length penalty the live beam is scored at the longest possible length.</summary>
    Never,
}
