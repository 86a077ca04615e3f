using Engine.Sampling;

namespace Engine.Generation;

/// <summary>
/// One sequence to generate, at token level: a tokenised prompt, its token limit and its <see cref="Sampling"/>
/// parameters (default: greedy). <see cref="Seed"/> and <see cref="Choice"/> are the sequence's RNG identity
/// (<see cref="SamplingParams.RngIdentity"/>), so the same identity gives the same tokens whatever the batch.
/// </summary>
public sealed record GenerationRequest(IReadOnlyList<int> PromptTokenIds, int MaxTokens)
{
    /// <summary>Temperature 0: argmax, the first index winning ties (llama2.c's greedy).</summary>
    public static SamplingParams Greedy { get; } = new() { Temperature = 0f };

    public SamplingParams Sampling { get; init; } = Greedy;

    public long Seed { get; init; }

    public int Choice { get; init; }

    /// <summary>The LoRA adapter id (see <see cref="LlmEngine.LoraIdOf"/>), or −1 for the base model.</summary>
    public int LoraId { get; init; } = -1;

    /// <summary>Scales the adapter's delta; finite, 0 is the base model exactly. Ignored when <see cref="LoraId"/> is −1.</summary>
    public float LoraMultiplier { get; init; } = 1;
}
