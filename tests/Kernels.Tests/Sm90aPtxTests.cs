using Kernels.Ptx;
using Kernels.SelfTest;

namespace Kernels.Tests;

/// <summary>The CPU-side half of the sm_90a path: the PTX patch and the rebuilt compiled kernel ILGPU's CUDA loader takes.</summary>
[Collection(AcceleratorCollection.Name)]
public sealed class Sm90aPtxTests
{
    private static readonly System.Reflection.MethodInfo Mma = KernelCatalog.Method(typeof(MmaTile), nameof(MmaTile.Kernel), typeof(Size2));

    [Fact]
    public void Patch_ChangesOnlyTheVersionAndTargetLines()
    {
        var original = PtxCompiler.Compile(Mma, PtxTarget.Sm90).Split('\n');

        var patched = Sm90aPtx.Patch(string.Join('\n', original)).Split('\n');

        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.Equal(2, changed.Length);
        Assert.Equal([".version 8.0", ".target sm_90a"], changed.Select(i => patched[i].TrimEnd('\r')));
        Assert.Equal([".version 7.8", ".target sm_90"], changed.Select(i => original[i].TrimEnd('\r')));
    }

    [Fact]
    public void WithAssembly_KeepsTheEntryPointAndCarriesThePatchedText()
    {
        var compiled = PtxCompiler.CompileKernel(Mma, PtxTarget.Sm90);
        var text = Sm90aPtx.Patch(compiled.PTXAssembly);

        var patched = Sm90aPtx.WithAssembly(compiled, text);

        Assert.Same(text, patched.PTXAssembly);
        Assert.Equal(compiled.Name, patched.Name);
        Assert.Equal(compiled.SourceMethod, patched.SourceMethod);
        Assert.Equal(compiled.NumParameters, patched.NumParameters);
        Assert.Same(compiled.Info, patched.Info);
        Assert.Contains($".entry {compiled.Name}", patched.PTXAssembly, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadSm90a_Throws_OnTheCpuAccelerator()
    {
        var error = Assert.Throws<NotSupportedException>(() => Backends.Get("cpu").LoadSm90a<Action>(Mma));
        Assert.Contains("sm_90", error.Message, StringComparison.Ordinal);
    }
}
