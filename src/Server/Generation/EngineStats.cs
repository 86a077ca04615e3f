namespace Server.Generation;

/// <summary>
/// A snapshot of the scheduler and the KV cache, for <c>/metrics</c>; prefix-cache counters are in prompt tokens
/// (queried at admission, and found cached), as vLLM's <c>prefix_cache_queries/hits</c>.
/// </summary>
public readonly record struct EngineStats(int Running, int Waiting, int KvBlocksUsed, int KvBlocksTotal,
    long PrefixCacheQueryTokens = 0, long PrefixCacheHitTokens = 0);
