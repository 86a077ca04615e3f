using Server.Errors;
using Server.Keys;

namespace Server.Hosting;

/// <summary>
/// Bearer (or <c>x-api-key</c>) authentication of the model paths (api.md §3.1); the service endpoints and
/// CORS preflights stay open. Registered only when a key store is configured.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IKeyStore keys)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (!IsProtected(http.Request.Path) || HttpMethods.IsOptions(http.Request.Method)) return next(http);
        var caller = Presented(http.Request) is { } key ? keys.Authenticate(key) : null;
        if (caller is null) throw new AuthenticationFailedException();
        CallerAccess.Set(http, caller);
        return next(http);
    }

    private static bool IsProtected(PathString path) =>
        path.StartsWithSegments("/v1") || path.StartsWithSegments("/tokenize") || path.StartsWithSegments("/detokenize")
        || path.StartsWithSegments("/serverless") || path.StartsWithSegments("/dedicated");

    private static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim();
        var apiKey = request.Headers["x-api-key"].ToString();
        return apiKey.Length > 0 ? apiKey : null;
    }
}
