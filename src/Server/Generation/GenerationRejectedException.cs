namespace Server.Generation;

/// <summary>
/// The engine refused a request it was handed (a sampling value it cannot honour, a prompt it cannot fit).
/// <see cref="Param"/> names the request field when known. The server answers 400.
/// </summary>
public sealed class GenerationRejectedException : Exception
{
    public GenerationRejectedException() { }

    public GenerationRejectedException(string message) : base(message) { }

    public GenerationRejectedException(string message, Exception inner) : base(message, inner) { }

    public GenerationRejectedException(string? param, string message) : base(message) => Param = param;

    public string? Param { get; }
}
