using Engine.Scheduling;

namespace Engine.Generation;

/// <summary>
/// One generated token of a request. The last output of a request carries its <see cref="FinishReason"/>; a stop
/// token that ended generation is delivered as that last token (callers drop it from text).
/// </summary>
public readonly record struct GenerationOutput(int TokenId, FinishReason? FinishReason);
