namespace Server.Errors;

/// <summary>Invalid request field (type, range, combination): 400 naming <see cref="ApiException.Param"/>.</summary>
public sealed class RequestValidationException : ApiException
{
    public RequestValidationException() : this(null, "Invalid request.") { }

    public RequestValidationException(string message) : this(null, message) { }

    public RequestValidationException(string? param, string message) : base(400, "BadRequestError", message, param) { }
}
