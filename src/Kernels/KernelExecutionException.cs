namespace Kernels;

/// <summary>A launch failed on a runtime: an out-of-bounds or misaligned access, a divergent warp collective, bad arguments.</summary>
public sealed class KernelExecutionException : Exception
{
    public KernelExecutionException()
    {
    }

    public KernelExecutionException(string message)
        : base(message)
    {
    }

    public KernelExecutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
