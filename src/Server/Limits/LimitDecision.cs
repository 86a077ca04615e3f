using Server.Keys;

namespace Server.Limits;

/// <summary>Outcome of one check-and-increment, with the counts the rate-limit headers report.</summary>
internal sealed record LimitDecision(
    LimitRejection? Rejection, int InFlight, int PerMinute, TimeSpan MinuteReset, int QuotaUsed, TimeSpan QuotaReset)
{
    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The check of api.md §11.4 over the counts an account has before this request: parallel first, then RPM, then
    /// quota. Admitted, the counts include the request; rejected, they are unchanged (rejections consume nothing).
    /// <paramref name="minuteReset"/> and <paramref name="quotaReset"/> are how long until the oldest counted request
    /// leaves its window (ignored when that window is empty).
    /// </summary>
    public static LimitDecision Decide(AccountLimits limits, int inFlight, int perMinute, TimeSpan minuteReset, int quotaUsed, TimeSpan quotaReset)
    {
        ArgumentNullException.ThrowIfNull(limits);
        LimitRejection? rejection = null;
        if (limits.Parallel is int parallel && inFlight >= parallel)
            rejection = new LimitRejection(LimitKind.Parallel, parallel, TimeSpan.FromSeconds(1));
        else if (limits.RequestsPerMinute is int rpm && perMinute >= rpm)
            rejection = new LimitRejection(LimitKind.RequestsPerMinute, rpm, minuteReset);
        else if (limits.Quota is { } quota && quotaUsed >= quota.Requests)
            rejection = new LimitRejection(LimitKind.Quota, quota.Requests, quotaReset);
        if (rejection is not null)
            return new LimitDecision(rejection, inFlight, perMinute, perMinute == 0 ? TimeSpan.Zero : minuteReset, quotaUsed, quotaUsed == 0 ? TimeSpan.Zero : quotaReset);
        // This request is now counted: a window that was empty resets one full period from now.
        var quotaPeriod = limits.Quota?.Period ?? TimeSpan.Zero;
        return new LimitDecision(null, inFlight + 1, perMinute + 1, perMinute == 0 ? Minute : minuteReset,
            quotaUsed + 1, quotaUsed == 0 ? quotaPeriod : quotaReset);
    }
}
