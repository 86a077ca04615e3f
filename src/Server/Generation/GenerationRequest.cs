namespace Server.Generation;

/// <summary>One prompt to generate <see cref="N"/> choices for, already tokenised and validated.</summary>
/// <param name="RequestId">Unique per prompt (the response id plus the prompt index); used in engine logs.</param>
/// <param name="Model">The served model id (the <c>multi_models</c> pick, when that was used).</param>
/// <param name="PromptTokenIds">Token ids, each in [0, vocab), already truncated and length-checked.</param>
/// <param name="N">Choices to return.</param>
/// <param name="BestOf">Sequences to generate (≥ <see cref="N"/>); the best <see cref="N"/> are returned.</param>
/// <param name="MaxTokens">Completion token limit; prompt + this ≤ the model's context length.</param>
/// <param name="Multiplier">LoRA delta scale (0.5, 1, 2 or 4); models without an adapter ignore it.</param>
/// <param name="Sampling">Every sampling and stop field of the request (samplers.md §13).</param>
/// <param name="Priority">Scheduling priority; lower runs first.</param>
public sealed record GenerationRequest(
    string RequestId, string Model, IReadOnlyList<int> PromptTokenIds, int N, int BestOf, int MaxTokens,
    double Multiplier, SamplingSettings Sampling, int Priority);
