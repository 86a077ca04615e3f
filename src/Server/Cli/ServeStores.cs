using Server.Keys;
using Server.Limits;
using Server.Stores;

namespace Server.Cli;

/// <summary>
/// The key store and limiter <c>engine serve</c> runs with. <c>--keys-db FILE</c>: SQLite and the in-process limiter
/// (one replica). <c>--keys-db postgres://…</c>: keys shared by replicas, limits in PostgreSQL too, or in Redis with
/// <c>--limits-redis</c>. No <c>--keys-db</c>: authentication and limits off (loopback only).
/// </summary>
internal sealed class ServeStores : IAsyncDisposable
{
    private ServeStores(SqlKeyStore? keys, IAccountLimiter? limiter)
    {
        Keys = keys;
        Limiter = limiter;
    }

    public SqlKeyStore? Keys { get; }

    /// <summary>The shared limiter, or null for the in-process one.</summary>
    public IAccountLimiter? Limiter { get; }

    /// <summary>What the start-up log line says: where keys and limits live.</summary>
    public string Description => Keys is null
        ? "nowhere (auth off)"
        : $"{Keys.Description}; limits {Limiter switch { RedisRateLimiter r => "in " + r.Description, PostgresRateLimiter => "in PostgreSQL", _ => "in this process" }}";

    /// <exception cref="FormatException">A store spec is malformed.</exception>
    /// <exception cref="KeyDatabaseUnavailableException">PostgreSQL cannot be reached or migrated at start.</exception>
    public static async Task<ServeStores> OpenAsync(string? keysDb, string? redis, TimeSpan slotLease, CancellationToken cancellationToken)
    {
        var keys = keysDb is null ? null : await KeyDatabases.OpenAsync(keysDb, cancellationToken).ConfigureAwait(false);
        IAccountLimiter? limiter = null;
        if (redis is not null) limiter = await RedisRateLimiter.ConnectAsync(redis, slotLease).ConfigureAwait(false);
        else if (keys is PostgresKeyStore postgres) limiter = new PostgresRateLimiter(postgres.DataSource, postgres.Description, slotLease);
        return new ServeStores(keys, limiter);
    }

    public async ValueTask DisposeAsync()
    {
        if (Limiter is IAsyncDisposable limiter) await limiter.DisposeAsync().ConfigureAwait(false);
        if (Keys is IDisposable keys) keys.Dispose();
    }
}
