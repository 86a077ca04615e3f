namespace Server.Hosting;

/// <summary>Every response carries <c>X-Request-Id</c>: the request's own header or a new UUID (api.md §1).</summary>
public sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Request-Id";

    public Task InvokeAsync(HttpContext http)
    {
        var id = http.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(id) || id.Length > 128) id = Guid.NewGuid().ToString();
        http.TraceIdentifier = id;
        http.Response.Headers[Header] = id;
        return next(http);
    }
}
