using System.Globalization;
using Server.Keys;

namespace Server.Limits;

/// <summary>The OpenAI x-ratelimit-* headers plus the engine's parallel pair (api.md §11.4).</summary>
internal static class RateLimitHeaders
{
    public static Dictionary<string, string> For(AccountLimits limits, LimitDecision d)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // The request window reported is the RPM one when configured, else the quota window.
        if (limits.RequestsPerMinute is int rpm)
            AddRequests(headers, rpm, d.PerMinute, d.MinuteReset);
        else if (limits.Quota is { } quota)
            AddRequests(headers, quota.Requests, d.QuotaUsed, d.QuotaReset);
        if (limits.Parallel is int parallel)
        {
            headers["x-ratelimit-limit-parallel"] = Format(parallel);
            headers["x-ratelimit-remaining-parallel"] = Format(Math.Max(0, parallel - d.InFlight));
        }
        return headers;
    }

    private static void AddRequests(Dictionary<string, string> headers, int limit, int used, TimeSpan reset)
    {
        headers["x-ratelimit-limit-requests"] = Format(limit);
        headers["x-ratelimit-remaining-requests"] = Format(Math.Max(0, limit - used));
        headers["x-ratelimit-reset-requests"] = Duration(reset);
    }

    /// <summary>OpenAI's duration format: "850ms", "12.3s", "6m0s", "47h59m59s".</summary>
    public static string Duration(TimeSpan t)
    {
        if (t <= TimeSpan.Zero) return "0s";
        if (t < TimeSpan.FromSeconds(1)) return Format((long)Math.Ceiling(t.TotalMilliseconds)) + "ms";
        if (t < TimeSpan.FromMinutes(1)) return Math.Round(t.TotalSeconds, 1).ToString(CultureInfo.InvariantCulture) + "s";
        var hours = (long)t.TotalHours;
        var rest = $"{t.Minutes}m{t.Seconds}s";
        return hours > 0 ? $"{hours}h{rest}" : rest;
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
