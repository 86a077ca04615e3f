using System.Reflection;
using Server.Contracts;
using Server.Errors;
using Server.Generation;
using Server.Metrics;

namespace Server.Endpoints;

/// <summary>Open service endpoints: <c>/health</c>, <c>/ping</c>, <c>/version</c>, <c>/metrics</c> (api.md §10).</summary>
public static class ServiceEndpoints
{
    public static IEndpointRouteBuilder MapService(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", Health);
        app.MapMethods("/ping", ["GET", "POST"], Health);
        app.MapGet("/version", () => TypedResults.Json(new VersionResponse(Version()), ServerJsonContext.Relaxed.VersionResponse));
        app.MapGet("/metrics", (IModelHost host, ServerMetrics metrics) =>
            TypedResults.Text(metrics.Render(host.Stats), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }

    private static IResult Health(IModelHost host) => host.IsReady
        ? TypedResults.Ok()
        : throw new ApiException(503, "ServiceUnavailableError", "The engine is not ready.", null);

    private static string Version() =>
        typeof(ServiceEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
