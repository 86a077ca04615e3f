namespace Engine.Backends.Cuda;

/// <summary>The GPU cannot hold the engine (the KV cache of one full-context sequence does not fit); the message names the numbers.</summary>
public sealed class InsufficientGpuMemoryException : Exception
{
    public InsufficientGpuMemoryException()
    {
    }

    public InsufficientGpuMemoryException(string message)
        : base(message)
    {
    }

    public InsufficientGpuMemoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
