namespace Engine.Scheduling;

/// <summary>
/// One request failed on the engine thread (its sampling, guided step or prompt logprobs threw, or the forward of
/// the step it ran in failed). Only that request (or that step's requests) ends with it; the engine and every other
/// request go on. The inner exception is the cause.
/// </summary>
public sealed class RequestFailedException : Exception
{
    public RequestFailedException(RequestId id, Exception cause)
        : base($"Request {id.Value} failed on the engine thread: {cause?.Message}", cause)
    {
        Id = id;
    }

    public RequestFailedException()
    {
    }

    public RequestFailedException(string message)
        : base(message)
    {
    }

    public RequestFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RequestId Id { get; }
}
