namespace Kernels;

public enum KernelParameterKind
{
    /// <summary>A 64-bit device address (the pointer of a view).</summary>
    Pointer,

    /// <summary>A scalar passed by value (a view's length, an int, a float, ...).</summary>
    Scalar,
}
