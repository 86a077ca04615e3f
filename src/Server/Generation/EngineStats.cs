namespace Server.Generation;

/// <summary>A snapshot of the scheduler and the KV cache, for <c>/metrics</c>.</summary>
public readonly record struct EngineStats(int Running, int Waiting, int KvBlocksUsed, int KvBlocksTotal);
