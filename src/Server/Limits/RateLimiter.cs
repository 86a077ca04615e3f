using System.Collections.Concurrent;
using Server.Keys;

namespace Server.Limits;

/// <summary>
/// The embedded limiter: every account's counters in this process (one replica), exact under concurrency because
/// each account's check-and-increment holds its lock. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class RateLimiter(TimeProvider time) : IAccountLimiter
{
    private readonly ConcurrentDictionary<string, AccountLimitState> _accounts = new(StringComparer.Ordinal);

    /// <inheritdoc cref="IAccountLimiter.AcquireAsync"/>
    public LimitLease Acquire(CallerIdentity? caller, string model)
    {
        if (caller is null || caller.Limits == AccountLimits.Unlimited) return LimitLease.Unlimited;
        var state = _accounts.GetOrAdd(caller.AccountId, _ => new AccountLimitState());
        var decision = state.TryAcquire(caller.Limits, model, time.GetUtcNow());
        return LimitVerdict.Apply(caller.Limits, model, decision, () =>
        {
            state.Release(model);
            return ValueTask.CompletedTask;
        });
    }

    public ValueTask<LimitLease> AcquireAsync(CallerIdentity? caller, string model, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Acquire(caller, model));
}
