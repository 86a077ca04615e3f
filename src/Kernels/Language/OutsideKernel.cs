namespace Kernels.Language;

/// <summary>Thrown by the CPU bodies of thread-dependent intrinsics, which only have meaning inside a launch.</summary>
internal static class OutsideKernel
{
    public static InvalidOperationException Error(string member) =>
        new($"{member} has meaning only inside a kernel compiled by KernelCompiler and launched on a runtime.");
}
