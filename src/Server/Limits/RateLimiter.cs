using System.Collections.Concurrent;
using System.Globalization;
using Server.Errors;
using Server.Keys;

namespace Server.Limits;

/// <summary>
/// Per-account parallel, requests-per-minute and quota limits (api.md §11.4), exact under concurrency:
/// each account's check-and-increment is atomic. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class RateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, AccountLimitState> _accounts = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts one generation request of <paramref name="caller"/> on <paramref name="model"/>, or throws
    /// <see cref="RateLimitedException"/> (429 with Retry-After and x-ratelimit-* headers) without counting it.
    /// </summary>
    public LimitLease Acquire(CallerIdentity? caller, string model)
    {
        if (caller is null || caller.Limits == AccountLimits.Unlimited) return LimitLease.Unlimited;
        var limits = caller.Limits;
        var state = _accounts.GetOrAdd(caller.AccountId, _ => new AccountLimitState());
        var decision = state.TryAcquire(limits, model, time.GetUtcNow());
        var headers = RateLimitHeaders.For(limits, decision);
        if (decision.Rejection is not { } r)
            return new LimitLease(state, model, headers);

        var retry = r.RetryAfter < TimeSpan.Zero ? TimeSpan.Zero : r.RetryAfter;
        headers["Retry-After"] = Math.Max(1, (long)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        headers["retry-after-ms"] = Math.Max(1, (long)Math.Ceiling(retry.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        if (retry > TimeSpan.FromSeconds(60)) headers["x-should-retry"] = "false";
        var message = r.Kind switch
        {
            LimitKind.Parallel => $"Parallel request limit reached for model `{model}` ({decision.InFlight} in flight, limit {r.Limit}).",
            LimitKind.RequestsPerMinute => $"Rate limit reached: {r.Limit} requests per minute.",
            _ => $"Quota reached for model `{model}`: {r.Limit} requests per {limits.Quota!.PeriodText()}.",
        };
        throw new RateLimitedException(message) { Headers = headers, Kind = r.Kind };
    }
}
