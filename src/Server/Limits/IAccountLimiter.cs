using Server.Keys;

namespace Server.Limits;

/// <summary>
/// Per-account parallel, requests-per-minute and quota limits (api.md §11.4), exact under concurrency: each
/// check-and-increment is atomic. Three implementations: in this process (<see cref="RateLimiter"/>, the embedded
/// default), in Redis (<see cref="RedisRateLimiter"/>) and in PostgreSQL (<see cref="PostgresRateLimiter"/>); the
/// last two hold across replicas.
/// </summary>
public interface IAccountLimiter
{
    /// <summary>
    /// Counts one generation request of <paramref name="caller"/> on <paramref name="model"/>, or throws
    /// <see cref="Errors.RateLimitedException"/> (429 with Retry-After and x-ratelimit-* headers) without counting it.
    /// A shared store that cannot be reached throws <see cref="Errors.StoreUnavailableException"/> (503): a request is
    /// never let through unlimited.
    /// </summary>
    ValueTask<LimitLease> AcquireAsync(CallerIdentity? caller, string model, CancellationToken cancellationToken);
}
