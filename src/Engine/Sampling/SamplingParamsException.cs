namespace Engine.Sampling;

/// <summary>
/// A request's generation parameters are invalid: wrong JSON type, out-of-range value or a forbidden
/// combination. <see cref="ArgumentException.ParamName"/> is the request field (e.g. <c>top_p</c>) so the
/// server can fill the error body's <c>param</c>; the message states the rule and the value.
/// </summary>
public sealed class SamplingParamsException : ArgumentException
{
    public SamplingParamsException(string field, string message)
        : base(message, field)
    {
    }

    public SamplingParamsException()
    {
    }

    public SamplingParamsException(string message)
        : base(message)
    {
    }

    public SamplingParamsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The request field at fault (same as <see cref="ArgumentException.ParamName"/>).</summary>
    public string? Field => ParamName;

    /// <summary>ArgumentException appends "(Parameter 'x')"; clients see the plain rule.</summary>
    public override string Message => base.Message.Replace($" (Parameter '{ParamName}')", "", StringComparison.Ordinal);
}
