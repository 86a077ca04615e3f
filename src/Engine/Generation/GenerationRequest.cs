using Engine.Sampling;

namespace Engine.Generation;

/// <summary>
/// A tokenised prompt and how to continue it. <see cref="SamplerFactory"/> makes the request's own sampler (one
/// per sequence; null means greedy). <see cref="StopTokenIds"/> null means the model's eos ids.
/// </summary>
public sealed record GenerationRequest(IReadOnlyList<int> PromptTokenIds, int MaxTokens)
{
    public Func<ISequenceSampler>? SamplerFactory { get; init; }

    public IReadOnlyList<int>? StopTokenIds { get; init; }
}
