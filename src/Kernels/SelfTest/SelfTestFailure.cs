namespace Kernels.SelfTest;

/// <summary>A self-test kernel disagreed with its CPU reference.</summary>
public sealed class SelfTestFailure : Exception
{
    public SelfTestFailure()
    {
    }

    public SelfTestFailure(string message)
        : base(message)
    {
    }

    public SelfTestFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
