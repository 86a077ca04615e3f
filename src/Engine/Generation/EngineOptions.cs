namespace Engine.Generation;

/// <summary>How an <see cref="LlmEngine"/> is sized.</summary>
public sealed record EngineOptions
{
    /// <summary>CPU threads for the kernels; 0 means every core.</summary>
    public int Threads { get; init; }

    /// <summary>Tokens per KV-cache block.</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary>KV-cache capacity in tokens; null means room for MaxNumSeqs full contexts, capped at 65536 (but at least one context).</summary>
    public int? KvCacheTokens { get; init; }

    /// <summary>Token budget of one step (prompt chunks longer than this are split).</summary>
    public int MaxNumBatchedTokens { get; init; } = 512;

    /// <summary>Most sequences running at once.</summary>
    public int MaxNumSeqs { get; init; } = 8;
}
