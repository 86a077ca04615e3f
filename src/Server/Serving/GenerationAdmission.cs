using Server.Errors;
using Server.Keys;
using Server.Limits;
using Server.Metrics;

namespace Server.Serving;

/// <summary>
/// Admits a validated generation request past the account's limits and puts the x-ratelimit-* headers on
/// the response; a 429 is counted in /metrics. The returned lease is held until the response ends.
/// </summary>
public sealed class GenerationAdmission(RateLimiter limiter, ServerMetrics metrics)
{
    public LimitLease Admit(HttpContext http, CallerIdentity? caller, string model)
    {
        LimitLease lease;
        try
        {
            lease = limiter.Acquire(caller, model);
        }
        catch (RateLimitedException e)
        {
            metrics.RecordRejection(e.Kind);
            throw;
        }
        foreach (var (name, value) in lease.Headers)
            http.Response.Headers[name] = value;
        return lease;
    }
}
