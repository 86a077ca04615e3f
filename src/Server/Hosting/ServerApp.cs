using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Server.Endpoints;
using Server.Errors;
using Server.Generation;
using Server.Keys;
using Server.Limits;
using Server.Metrics;
using Server.Requests;
using Server.Serving;
using Server.Stores;

namespace Server.Hosting;

/// <summary>
/// The web app's composition: services, Kestrel limits, the middleware order and the endpoint table.
/// <c>engine serve</c> and the tests build the server through here, with a real Kestrel.
/// </summary>
public static class ServerApp
{
    /// <param name="keys">The key store, or null to run without authentication (then loopback only).</param>
    /// <param name="time">Clock of the rate-limit windows (tests pass a manual one).</param>
    /// <param name="random">Source of the <c>multi_models</c> pick.</param>
    /// <param name="limiter">The limits store shared with other replicas, or null for the in-process one.</param>
    public static WebApplication Build(
        ServerOptions options, IModelHost host, IKeyStore? keys, TimeProvider? time = null, Random? random = null,
        Action<ILoggingBuilder>? logging = null, IAccountLimiter? limiter = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Per-request framework logs are noise at this rate; our own [LoggerMessage] events stay.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        var address = keys is null ? IPAddress.Loopback : ParseHost(options.Host);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port);
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            // a client that opens connections and sends nothing must not hold them (or all of them) for minutes
            kestrel.Limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.MaxConcurrentConnections;
            kestrel.Limits.KeepAliveTimeout = options.IdleConnectionTimeout;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            kestrel.AddServerHeader = false;
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(host);
        if (keys is not null) services.AddSingleton(keys);
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton(new ModelSelection(host, random ?? Random.Shared));
        if (limiter is null) services.AddSingleton<IAccountLimiter, RateLimiter>();
        else services.AddSingleton(limiter);
        // /health checks every shared store, so a load balancer sees which one is down.
        services.AddSingleton(new StoreProbes([.. new object?[] { keys, limiter }.OfType<IStoreProbe>()]));
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<GenerationAdmission>();
        // The OpenAPI document of every mapped endpoint, at /openapi.json.
        services.AddOpenApi();
        services.AddSingleton<CompletionHandler>();
        services.AddSingleton<ChatHandler>();
        if (options.CorsOrigins.Count > 0)
            services.AddCors(cors => cors.AddDefaultPolicy(p => p.WithOrigins([.. options.CorsOrigins]).AllowAnyHeader().AllowAnyMethod()));

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Server");
        if (keys is null) ServerLog.AuthDisabled(log, address.ToString());

        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<ErrorMiddleware>();
        // Unknown paths and wrong methods get the §4.1 object too, not an empty body.
        app.UseStatusCodePages(context => ErrorMiddleware.WriteAsync(context.HttpContext,
            new ApiException(context.HttpContext.Response.StatusCode, ErrorMapper.TypeOf(context.HttpContext.Response.StatusCode),
                StatusMessage(context.HttpContext), null)));
        if (options.CorsOrigins.Count > 0) app.UseCors();
        if (keys is not null) app.UseMiddleware<ApiKeyMiddleware>();

        app.MapModels();
        app.MapGeneration();
        app.MapTokenize();
        app.MapService();
        app.MapOpenApi("/openapi.json");
        return app;
    }

    /// <summary>Logs where the started server listens (never the keys themselves).</summary>
    public static void LogListening(WebApplication app, IModelHost host, string keyStore)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Server");
        ServerLog.Listening(log, host.Models.Count, BoundAddress(app).ToString(), keyStore);
    }

    private static string StatusMessage(HttpContext http) => http.Response.StatusCode switch
    {
        404 => $"Not found: {http.Request.Path}.",
        405 => $"Method {http.Request.Method} is not allowed on {http.Request.Path}.",
        _ => $"Request failed with status {http.Response.StatusCode}.",
    };

    private static IPAddress ParseHost(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        "0.0.0.0" or "*" => IPAddress.Any,
        _ => IPAddress.Parse(host),
    };

    /// <summary>The bound address (with the real port when <see cref="ServerOptions.Port"/> was 0), once started.</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return new Uri(addresses.Addresses.First());
    }
}
