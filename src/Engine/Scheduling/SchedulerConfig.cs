namespace Engine.Scheduling;

/// <summary>Limits of one scheduler step.</summary>
/// <param name="MaxNumBatchedTokens">Token budget of a step (prompt chunks plus decode tokens).</param>
/// <param name="MaxNumSeqs">Most sequences running at once.</param>
/// <param name="MaxModelLen">The model's context: a sequence stops with <c>length</c> once its next token would sit at position MaxModelLen.</param>
public sealed record SchedulerConfig(int MaxNumBatchedTokens, int MaxNumSeqs, int MaxModelLen);
