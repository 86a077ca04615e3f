using Server.Keys;

namespace Server.Limits;

/// <summary>
/// One account's counters: requests in flight and quota windows per model, and the account-wide RPM
/// window. All checks and increments happen under one lock, so concurrent requests see exact counts.
/// </summary>
internal sealed class AccountLimitState
{
    private readonly Lock _lock = new();
    private readonly SlidingWindow _minute = new(TimeSpan.FromMinutes(1));
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SlidingWindow> _quota = new(StringComparer.Ordinal);

    /// <summary>
    /// Checks every limit and, only if all pass, counts the request (parallel +1, RPM and quota windows +1).
    /// A rejection changes nothing (api.md §11.4: rejected requests consume nothing).
    /// </summary>
    public LimitDecision TryAcquire(AccountLimits limits, string model, DateTimeOffset now)
    {
        lock (_lock)
        {
            var inFlight = _inFlight.GetValueOrDefault(model);
            var perMinute = _minute.Count(now);
            var quotaWindow = QuotaWindow(model, limits);
            var quotaUsed = quotaWindow?.Count(now) ?? 0;

            var decision = LimitDecision.Decide(limits, inFlight, perMinute, _minute.UntilNextFree(now), quotaUsed,
                quotaWindow?.UntilNextFree(now) ?? TimeSpan.Zero);
            if (decision.Rejection is null)
            {
                _inFlight[model] = decision.InFlight;
                _minute.Add(now);
                quotaWindow?.Add(now);
            }
            return decision;
        }
    }

    /// <summary>Frees one parallel slot of <paramref name="model"/>.</summary>
    public void Release(string model)
    {
        lock (_lock)
        {
            var left = _inFlight[model] - 1;
            if (left == 0) _inFlight.Remove(model);
            else _inFlight[model] = left;
        }
    }

    private SlidingWindow? QuotaWindow(string model, AccountLimits limits)
    {
        if (limits.Quota is null) return null;
        if (!_quota.TryGetValue(model, out var window) || window.Period != limits.Quota.Period)
            _quota[model] = window = new SlidingWindow(limits.Quota.Period);
        return window;
    }
}
