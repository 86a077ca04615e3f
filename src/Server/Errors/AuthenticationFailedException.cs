namespace Server.Errors;

/// <summary>Missing, malformed, unknown or revoked API key: 401 with <c>WWW-Authenticate: Bearer</c>.</summary>
public sealed class AuthenticationFailedException : ApiException
{
    public AuthenticationFailedException() : this("Invalid or missing API key.") { }

    public AuthenticationFailedException(string message) : base(401, "AuthenticationError", message, null) =>
        Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" };
}
