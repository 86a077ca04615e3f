namespace Kernels.Tests;

/// <summary>What the compiler cannot translate is a <see cref="KernelCompilationException"/> naming the method, IL offset and construct.</summary>
public sealed class CompileErrorTests
{
    private static KernelCompilationException CompileFails(string kernel) =>
        Assert.Throws<KernelCompilationException>(() => KernelCompiler.CompileUncached(typeof(UnsupportedKernels).GetMethod(kernel)!, Ptx.PtxTarget.Sm80));

    [Theory]
    [InlineData(nameof(UnsupportedKernels.Allocates), "allocation")]
    [InlineData(nameof(UnsupportedKernels.UsesManagedArray), "managed arrays")]
    [InlineData(nameof(UnsupportedKernels.Throws), "exceptions are not supported")]
    [InlineData(nameof(UnsupportedKernels.CatchesExceptions), "exception handling")]
    [InlineData(nameof(UnsupportedKernels.CallsVirtualMethod), "virtual call")]
    [InlineData(nameof(UnsupportedKernels.UsesString), "strings")]
    [InlineData(nameof(UnsupportedKernels.Recurses), "recursion")]
    [InlineData(nameof(UnsupportedKernels.CallsUnsupportedMethod), "System.Math.Exp")]
    [InlineData(nameof(UnsupportedKernels.CallsConsole), "System.Console.WriteLine")]
    [InlineData(nameof(UnsupportedKernels.SharedSizeNotConstant), "compile-time constant")]
    [InlineData(nameof(UnsupportedKernels.TakesReferenceType), "kernel parameters are scalars")]
    public void Throws_WhenKernelUsesUnsupportedConstruct(string kernel, string construct)
    {
        var error = CompileFails(kernel);
        Assert.Contains(construct, error.Construct, StringComparison.Ordinal);
        Assert.Contains(construct, error.Message, StringComparison.Ordinal);
        Assert.Contains("IL_", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.MethodName));
    }

    [Fact]
    public void NamesTheInlinedMethodAndItsOffset_WhenTheErrorIsInACallee()
    {
        var error = CompileFails(nameof(UnsupportedKernels.HelperAllocates));
        Assert.Equal("UnsupportedKernels.Helper", error.MethodName);
        Assert.Contains("allocation (newobj Box)", error.Construct, StringComparison.Ordinal);
        Assert.Equal("UnsupportedKernels_HelperAllocates", error.Kernel);
    }

    [Fact]
    public void NamesTheOffsetOfTheAllocation_InTheKernelItself()
    {
        var error = CompileFails(nameof(UnsupportedKernels.Allocates));
        Assert.Equal("UnsupportedKernels.Allocates", error.MethodName);
        // newobj is the first instruction of the method (a nop may precede it in Debug builds).
        Assert.InRange(error.IlOffset, 0, 1);
    }

    [Fact]
    public void Throws_WhenTheKernelIsNotStatic() =>
        Assert.Throws<KernelCompilationException>(() => KernelCompiler.CompileUncached(typeof(object).GetMethod(nameof(GetHashCode))!, Ptx.PtxTarget.Sm80));
}
