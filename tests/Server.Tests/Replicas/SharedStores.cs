using Server.Keys;
using Server.Limits;
using StackExchange.Redis;

namespace Server.Tests.Replicas;

/// <summary>
/// What one in-process "replica" of a test gets: the PostgreSQL key store of a fresh database and its own limiter
/// over the shared store (Redis, or PostgreSQL alone), as <c>engine serve</c> builds them (Cli/ServeStores.cs).
/// </summary>
public static class SharedStores
{
    /// <summary>The Redis logical database of the in-process tests; the <c>engine serve</c> replicas use database 0.</summary>
    public const int InProcessRedisDatabase = 1;

    public static string RedisSpec(StoreServers stores) => $"{stores.Redis},defaultDatabase={InProcessRedisDatabase}";

    /// <summary>Empties the in-process tests' Redis database, so account ids of earlier databases count nothing.</summary>
    public static async Task FlushRedisAsync(StoreServers stores)
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{stores.Redis},allowAdmin=true");
        await admin.GetServer(stores.Redis).FlushDatabaseAsync(InProcessRedisDatabase);
    }

    public static async Task<IAccountLimiter> LimiterAsync(string mode, StoreServers stores, PostgresKeyStore keys, TimeSpan slotLease) => mode switch
    {
        "redis" => await RedisRateLimiter.ConnectAsync(RedisSpec(stores), slotLease),
        "postgres" => new PostgresRateLimiter(keys.DataSource, keys.Description, slotLease),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "redis or postgres"),
    };
}
