using System.Reflection;
using Server.Contracts;
using Server.Errors;
using Server.Generation;
using Server.Metrics;
using Server.Stores;

namespace Server.Endpoints;

/// <summary>Open service endpoints: <c>/health</c>, <c>/ping</c>, <c>/version</c>, <c>/metrics</c> (api.md §10).</summary>
public static class ServiceEndpoints
{
    public static IEndpointRouteBuilder MapService(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", Health);
        app.MapMethods("/ping", ["GET", "POST"], Health);
        app.MapGet("/version", () => TypedResults.Json(new VersionResponse(Version()), ServerJsonContext.Relaxed.VersionResponse));
        app.MapGet("/metrics", async (IModelHost host, ServerMetrics metrics, HttpContext http) =>
        {
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.WriteAsync(http.Response.Body, host.Stats, BaseModels(host), http.RequestAborted).ConfigureAwait(false);
        });
        return app;
    }

    /// <summary>200 when the engine and every shared store can serve; else 503 naming what is down (api.md §10).</summary>
    private static async Task<IResult> Health(IModelHost host, StoreProbes stores, HttpContext http)
    {
        if (!host.IsReady) throw new ApiException(503, "ServiceUnavailableError", "The engine is not ready.", null);
        var down = await stores.DownAsync(http.RequestAborted).ConfigureAwait(false);
        if (down.Count > 0)
        {
            throw new ApiException(503, "ServiceUnavailableError", $"Store unreachable: {string.Join("; ", down)}.", null)
            {
                Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
            };
        }
        return TypedResults.Ok();
    }

    /// <summary>vLLM's <c>model_name</c> of the engine gauges: the served base models (one, in the usual deployment).</summary>
    private static string BaseModels(IModelHost host) => string.Join(",", host.Models.Where(m => m.Parent is null).Select(m => m.Id));

    private static string Version() =>
        typeof(ServiceEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
