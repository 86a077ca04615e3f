using Kernels.Ptx;
using Kernels.SelfTest;

namespace Kernels.Tests;

public sealed class KernelCompilerTests
{
    [Fact]
    public void Compile_ReturnsTheCachedKernel_ForTheSameInstantiationAndTarget()
    {
        var method = KernelCatalog.Method(typeof(BlockReduce), nameof(BlockReduce.Kernel), typeof(Size64));
        Assert.Same(KernelCompiler.Compile(method, PtxTarget.Sm80), KernelCompiler.Compile(method, PtxTarget.Sm80));
        var sm90 = KernelCompiler.Compile(method, PtxTarget.Sm90);
        Assert.NotSame(KernelCompiler.Compile(method, PtxTarget.Sm80), sm90);
        Assert.Contains(".target sm_90", sm90.Ptx, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SpecialisesPerTypeArgument_WithDistinctEntryNames()
    {
        var small = KernelCompiler.Compile(KernelCatalog.Method(typeof(BlockReduce), nameof(BlockReduce.Kernel), typeof(Size64)));
        var large = KernelCompiler.Compile(KernelCatalog.Method(typeof(BlockReduce), nameof(BlockReduce.Kernel), typeof(Size256)));
        Assert.NotEqual(small.EntryName, large.EntryName);
        Assert.Contains("[256];", small.Ptx, StringComparison.Ordinal);
        Assert.Contains("[1024];", large.Ptx, StringComparison.Ordinal);
        Assert.Equal(256, small.StaticSharedBytes);
    }

    [Fact]
    public void FlattenArguments_GivesPointerThenLengthPerView_AndRawBitsForScalars()
    {
        var kernel = KernelCompiler.Compile(typeof(VectorLoads), nameof(VectorLoads.Kernel));
        var values = kernel.FlattenArguments([new Language.ArrayView<float>(0x1000, 8), new Language.ArrayView<float>(0x2000, 4), 1.5f]);
        Assert.Equal([0x1000UL, 8UL, 0x2000UL, 4UL, BitConverter.SingleToUInt32Bits(1.5f)], values);
        Assert.Equal(["Pointer", "Length", "Pointer", "Length", "Scalar"],
            kernel.Parameters.Select(p => p.FieldPath.Count > 0 ? p.FieldPath[0] : p.Kind.ToString()));
    }
}
