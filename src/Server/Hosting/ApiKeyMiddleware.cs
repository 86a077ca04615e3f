using Server.Errors;
using Server.Keys;

namespace Server.Hosting;

/// <summary>
/// Bearer (or <c>x-api-key</c>) authentication of the model paths (api.md §3.1); the service endpoints and
/// CORS preflights stay open. A team header switches the caller to that team's account (§3.3). Registered only
/// when a key store is configured.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IKeyStore keys)
{
    private static readonly string[] TeamHeaders = ["X-Friendli-Team", "OpenAI-Project", "OpenAI-Organization"];

    public async Task InvokeAsync(HttpContext http)
    {
        if (!IsProtected(http.Request.Path) || HttpMethods.IsOptions(http.Request.Method))
        {
            await next(http).ConfigureAwait(false);
            return;
        }
        var caller = Presented(http.Request) is { } key ? await keys.AuthenticateAsync(key, http.RequestAborted).ConfigureAwait(false) : null;
        if (caller is null) throw new AuthenticationFailedException();
        if (TeamOf(http.Request) is { } team)
            caller = await keys.AsTeamAsync(caller, team, http.RequestAborted).ConfigureAwait(false) ?? throw new TeamAccessDeniedException(team);
        CallerAccess.Set(http, caller);
        await next(http).ConfigureAwait(false);
    }

    private static bool IsProtected(PathString path) =>
        path.StartsWithSegments("/v1") || path.StartsWithSegments("/tokenize") || path.StartsWithSegments("/detokenize")
        || path.StartsWithSegments("/serverless") || path.StartsWithSegments("/dedicated");

    /// <summary>
    /// The team the request runs as: <c>X-Friendli-Team</c>, else <c>OpenAI-Project</c>, else <c>OpenAI-Organization</c>
    /// (the OpenAI SDKs' synonyms; the project is the narrower scope). Only the first present header counts.
    /// </summary>
    private static string? TeamOf(HttpRequest request)
    {
        foreach (var name in TeamHeaders)
            if (request.Headers[name].ToString().Trim() is { Length: > 0 } team) return team;
        return null;
    }

    private static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim();
        var apiKey = request.Headers["x-api-key"].ToString();
        return apiKey.Length > 0 ? apiKey : null;
    }
}
