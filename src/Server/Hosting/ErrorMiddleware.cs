using Server.Contracts;
using Server.Errors;
using Server.Metrics;

namespace Server.Hosting;

/// <summary>
/// Turns every exception into the api.md §4.1 error object with its status and headers, counts every
/// response status for /metrics, and treats a client that went away as nothing to answer.
/// </summary>
public sealed class ErrorMiddleware(RequestDelegate next, ServerMetrics metrics, ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            ServerLog.ClientGone(logger, http.TraceIdentifier, http.Request.Path);
            // 499 (nginx's "client closed request") only for the metrics; nobody reads the response.
            metrics.RecordRequest(499);
            return;
        }
        catch (Exception e)
        {
            var error = ErrorMapper.Map(e);
            // client errors (4xx: bad input, a body cut short, a rejected beam width) are the client's, and at Debug, so a
            // client cannot flood the log with stack traces; only a real failure is an error with its stack
            if (error.Status >= 500) ServerLog.Unhandled(logger, e, http.Request.Method, http.Request.Path, http.TraceIdentifier);
            else ServerLog.Rejected(logger, http.TraceIdentifier, http.Request.Path, error.Status, error.Message);
            if (!http.Response.HasStarted)
            {
                await WriteAsync(http, error).ConfigureAwait(false);
            }
        }
        metrics.RecordRequest(http.Response.StatusCode);
    }

    public static async Task WriteAsync(HttpContext http, ApiException error)
    {
        http.Response.Clear();
        http.Response.Headers[RequestIdMiddleware.Header] = http.TraceIdentifier;
        http.Response.StatusCode = error.Status;
        foreach (var (name, value) in error.Headers)
            http.Response.Headers[name] = value;
        await http.Response.WriteAsJsonAsync(ErrorMapper.Body(error), ServerJsonContext.Relaxed.ErrorResponse, contentType: null, http.RequestAborted)
            .ConfigureAwait(false);
    }
}
