using System.Globalization;
using Server.Errors;
using Server.Keys;

namespace Server.Limits;

/// <summary>Turns a <see cref="LimitDecision"/> into the accepted lease or the 429 of api.md §11.4, whichever store decided.</summary>
internal static class LimitVerdict
{
    /// <param name="release">Frees the slot the decision took; called once, only when admitted.</param>
    public static LimitLease Apply(AccountLimits limits, string model, LimitDecision decision, Func<ValueTask>? release)
    {
        var headers = RateLimitHeaders.For(limits, decision);
        if (decision.Rejection is not { } r)
            return new LimitLease(release, headers);

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
