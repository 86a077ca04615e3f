namespace Server.Errors;

/// <summary>
/// A request the server refuses with a 4xx (or 503). The error middleware writes it as the OpenAI-style
/// error object of api.md §4.1; subclasses fix the status and type.
/// </summary>
public class ApiException : Exception
{
    public ApiException() : this(500, "InternalServerError", "Internal server error.", null) { }

    public ApiException(string message) : this(400, "BadRequestError", message, null) { }

    public ApiException(int status, string errorType, string message, string? param) : base(message)
    {
        Status = status;
        ErrorType = errorType;
        Param = param;
    }

    /// <summary>HTTP status, also the body's <c>code</c>.</summary>
    public int Status { get; }

    /// <summary>The body's <c>type</c>, e.g. <c>BadRequestError</c>.</summary>
    public string ErrorType { get; }

    /// <summary>The offending request field, or null.</summary>
    public string? Param { get; }

    /// <summary>Extra response headers (WWW-Authenticate, Retry-After, x-ratelimit-*).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
