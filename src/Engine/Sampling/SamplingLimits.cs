namespace Engine.Sampling;

/// <summary>
/// Server- and model-dependent bounds applied during validation. <see cref="VocabSize"/> null skips the
/// token-id range checks (they run again when the sampler is created for a model).
/// </summary>
public sealed record SamplingLimits
{
    public int? VocabSize { get; init; }

    public int MaxLogprobs { get; init; } = 20;

    public int MaxN { get; init; } = 128;

    public static SamplingLimits Default { get; } = new();
}
