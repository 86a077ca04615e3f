using Server.Serving;

namespace Server.Endpoints;

/// <summary><c>POST /v1/completions</c> and <c>/v1/chat/completions</c>, plus the Friendli path aliases (api.md §2).</summary>
public static class GenerationEndpoints
{
    public static IEndpointRouteBuilder MapGeneration(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["/v1", "/serverless/v1", "/dedicated/v1"])
        {
            app.MapPost(prefix + "/completions", (HttpContext http, CompletionHandler handler) => handler.HandleAsync(http));
            app.MapPost(prefix + "/chat/completions", (HttpContext http, ChatHandler handler) => handler.HandleAsync(http));
        }
        return app;
    }
}
