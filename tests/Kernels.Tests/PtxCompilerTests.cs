using Kernels.Ptx;

namespace Kernels.Tests;

public sealed class PtxCompilerTests
{
    [Fact]
    public void SetTarget_RewritesOnlyTheTargetDirective()
    {
        const string ptx = "//\n// .target sm_80 in a comment stays\n//\n.version 7.8\n.target sm_80\n.address_size 64\n";

        var patched = PtxCompiler.SetTarget(ptx, "sm_90");

        Assert.Equal("//\n// .target sm_80 in a comment stays\n//\n.version 7.8\n.target sm_90\n.address_size 64\n", patched);
    }

    [Fact]
    public void SetTarget_KeepsTheDebugSuffix()
    {
        Assert.Equal(".target sm_90a, debug\n", PtxCompiler.SetTarget(".target sm_80, debug\n", "sm_90a"));
    }

    [Fact]
    public void SetTarget_Throws_WhenThereIsNoTarget() =>
        Assert.Throws<FormatException>(() => PtxCompiler.SetTarget(".version 7.8\n", "sm_90"));

    [Fact]
    public void Compile_TargetsSm90_WhereIlgpuWouldWriteSm80()
    {
        var kernel = KernelCatalog.All[0].Method;

        Assert.Contains(".target sm_80\n", PtxCompiler.Compile(kernel, PtxTarget.Sm80).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains(".target sm_90\n", PtxCompiler.Compile(kernel, PtxTarget.Sm90).ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ReturnsTheCachedText_OnTheSecondCall()
    {
        var kernel = KernelCatalog.All[0].Method;
        Assert.Same(PtxCompiler.Compile(kernel, PtxTarget.Sm80), PtxCompiler.Compile(kernel, PtxTarget.Sm80));
    }

    [Fact]
    public void Parse_KnowsTheTwoTargets()
    {
        Assert.Same(PtxTarget.Sm80, PtxTarget.Parse("sm_80"));
        Assert.Same(PtxTarget.Sm90, PtxTarget.Parse("sm_90"));
        Assert.Null(PtxTarget.Parse("sm_75"));
    }
}
