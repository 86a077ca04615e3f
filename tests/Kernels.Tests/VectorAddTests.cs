using Kernels.SelfTest;

namespace Kernels.Tests;

public sealed class VectorAddTests
{
    public static TheoryData<string> Backends => Tests.Backends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void AddsElementwise_ForSizesAroundTheBlockSize(string backend)
    {
        var runtime = Tests.Backends.Create(backend);
        foreach (var n in new[] { 1, 31, 63, 64, 65, 200 })
        {
            VectorAdd.Check(runtime, n);
        }
    }

    [Fact]
    public void Ptx_DeclaresEntryWithPointerAndLengthPerView()
    {
        var kernel = KernelCompiler.Compile(typeof(VectorAdd), nameof(VectorAdd.Kernel));
        Assert.Equal(6, kernel.Parameters.Count);
        Assert.Equal(KernelParameterKind.Pointer, kernel.Parameters[0].Kind);
        Assert.Equal(8, kernel.Parameters[0].SizeBytes);
        Assert.Equal(KernelParameterKind.Scalar, kernel.Parameters[1].Kind);
        Assert.Equal(4, kernel.Parameters[1].SizeBytes);
        Assert.Contains(".visible .entry " + kernel.EntryName, kernel.Ptx, StringComparison.Ordinal);
        Assert.Contains("add.rn.f32", kernel.Ptx, StringComparison.Ordinal);
    }
}
