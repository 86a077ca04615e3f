using Engine.Sampling;

namespace Server.Generation;

/// <summary>One prompt to generate <c>Sampling.N</c> choices for, already tokenised and validated.</summary>
/// <param name="RequestId">Unique per prompt (the response id plus the prompt index); used in engine logs.</param>
/// <param name="Model">The served model id (the <c>multi_models</c> pick, when that was used).</param>
/// <param name="PromptTokenIds">Token ids, each in [0, vocab), already truncated and length-checked.</param>
/// <param name="MaxTokens">Completion token limit for this prompt (defaults and Friendli totals resolved); prompt + this ≤ the context length.</param>
/// <param name="MinTokens">Minimum completion tokens for this prompt (≤ <paramref name="MaxTokens"/>).</param>
/// <param name="Multiplier">LoRA delta scale (0.5, 1, 2 or 4); models without an adapter ignore it.</param>
/// <param name="Sampling">Every sampling, stop and multiplicity field of the request (samplers.md §13), validated.</param>
/// <param name="Priority">Scheduling priority; lower runs first.</param>
public sealed record GenerationRequest(
    string RequestId, string Model, IReadOnlyList<int> PromptTokenIds, int MaxTokens, int MinTokens,
    double Multiplier, SamplingParams Sampling, int Priority)
{
    /// <summary>Choices to return.</summary>
    public int N => Sampling.N;
}
