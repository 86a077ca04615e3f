using Engine.Sampling;

namespace Engine.Generation;

/// <summary>
/// A request at text level: one tokenised prompt, its validated <see cref="SamplingParams"/> (n, best_of, seeds,
/// stop strings, logprobs …) and its resolved completion token limit (see <see cref="SamplingParams.ResolveLengths"/>),
/// optionally run through one of the engine's LoRA adapters.
/// </summary>
public sealed record EngineRequest(IReadOnlyList<int> PromptTokenIds, SamplingParams Sampling, int MaxTokens)
{
    /// <summary>The name of a LoRA adapter of <see cref="EngineOptions.LoraAdapters"/>, or null for the base model.</summary>
    public string? Lora { get; init; }

    /// <summary>Scales the adapter's delta: <c>W + Multiplier · scale · B·A</c> (finite; 0 is the base model). Ignored without <see cref="Lora"/>.</summary>
    public float Multiplier { get; init; } = 1;
}
