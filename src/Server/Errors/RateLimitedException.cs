namespace Server.Errors;

/// <summary>A parallel, RPM or quota limit was reached: 429 with Retry-After and x-ratelimit-* headers.</summary>
public sealed class RateLimitedException : ApiException
{
    public RateLimitedException() : this("Rate limit reached.") { }

    public RateLimitedException(string message) : base(429, "RateLimitError", message, null) { }

    /// <summary>Which limit was reached.</summary>
    public Limits.LimitKind Kind { get; init; }
}
