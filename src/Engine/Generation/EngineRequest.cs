using Engine.Sampling;

namespace Engine.Generation;

/// <summary>
/// A request at text level: one tokenised prompt, its validated <see cref="SamplingParams"/> (n, best_of, seeds,
/// stop strings, logprobs …) and its resolved completion token limit (see <see cref="SamplingParams.ResolveLengths"/>).
/// </summary>
public sealed record EngineRequest(IReadOnlyList<int> PromptTokenIds, SamplingParams Sampling, int MaxTokens);
