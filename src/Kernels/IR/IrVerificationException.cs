namespace Kernels.IR;

/// <summary>The IR broke an invariant; names the function, the pass that ran last and the offending value.</summary>
public sealed class IrVerificationException : Exception
{
    public IrVerificationException()
    {
    }

    public IrVerificationException(string message)
        : base(message)
    {
    }

    public IrVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
