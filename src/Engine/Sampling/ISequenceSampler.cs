namespace Engine.Sampling;

/// <summary>
/// Chooses the next token of one sequence. One instance per sequence, so state that spans steps (a seeded
/// generator, mirostat's mu) lives in it. The model runner calls it once per decoding step.
/// </summary>
public interface ISequenceSampler
{
    /// <summary>
    /// Processes <paramref name="logits"/> (raw model output over the whole vocabulary; the sampler may
    /// overwrite it) given the sequence's prompt and the tokens generated so far, and returns the chosen id.
    /// </summary>
    int Sample(Span<float> logits, ReadOnlySpan<int> promptTokenIds, ReadOnlySpan<int> outputTokenIds);
}
