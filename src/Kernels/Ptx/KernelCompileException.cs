namespace Kernels.Ptx;

/// <summary>ILGPU rejected a kernel; the message names the kernel instantiation and the target.</summary>
public sealed class KernelCompileException : Exception
{
    public KernelCompileException()
    {
    }

    public KernelCompileException(string message)
        : base(message)
    {
    }

    public KernelCompileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
