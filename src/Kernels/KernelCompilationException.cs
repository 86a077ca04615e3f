using System.Reflection;

namespace Kernels;

/// <summary>
/// A kernel uses something the compiler does not translate (allocation, virtual calls, exceptions, strings,
/// managed arrays, recursion, an unknown method). Names the method, the IL offset and the construct.
/// </summary>
public sealed class KernelCompilationException : Exception
{
    public KernelCompilationException(string kernel, MethodBase? method, int ilOffset, string construct)
        : base($"Cannot compile kernel '{kernel}': {construct} (in {Describe(method)} at IL_{ilOffset:X4}).")
    {
        Kernel = kernel;
        MethodName = Describe(method);
        IlOffset = ilOffset;
        Construct = construct;
    }

    public KernelCompilationException()
    {
        Kernel = MethodName = Construct = string.Empty;
    }

    public KernelCompilationException(string message)
        : base(message)
    {
        Kernel = MethodName = Construct = string.Empty;
    }

    public KernelCompilationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kernel = MethodName = Construct = string.Empty;
    }

    public string Kernel { get; }

    /// <summary>The method whose IL holds the construct: the kernel itself or a method inlined into it.</summary>
    public string MethodName { get; }

    public int IlOffset { get; }

    public string Construct { get; }

    public static string Describe(MethodBase? method) =>
        method is null ? "?" : $"{method.DeclaringType?.Name}.{method.Name}";
}
