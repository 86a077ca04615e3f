using Server.Errors;
using Server.Keys;
using Server.Limits;
using Server.Metrics;

namespace Server.Serving;

/// <summary>
/// Admits a validated generation request past the account's limits and puts the x-ratelimit-* headers on
/// the response; a 429 is counted in /metrics. The returned lease is held until the response ends.
/// </summary>
public sealed class GenerationAdmission(IAccountLimiter limiter, ServerMetrics metrics)
{
    public async ValueTask<LimitLease> AdmitAsync(HttpContext http, CallerIdentity? caller, string model)
    {
        ArgumentNullException.ThrowIfNull(http);
        LimitLease lease;
        try
        {
            lease = await limiter.AcquireAsync(caller, model, http.RequestAborted).ConfigureAwait(false);
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
