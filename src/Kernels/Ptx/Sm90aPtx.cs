using System.Reflection;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;

namespace Kernels.Ptx;

/// <summary>
/// The sm_90a path (wgmma, TMA): those instructions exist only for the arch-specific target <c>sm_90a</c> at
/// PTX ISA 8.0 or later, and ILGPU 1.5.3 writes <c>.target sm_80</c> and knows no ISA past 7.8. A kernel that
/// uses them (through inline-PTX wrappers like the others) is compiled by ILGPU as usual, its text patched here,
/// and loaded through ILGPU's own CUDA loader, so ILGPU's launcher still marshals the arguments. See
/// src/Kernels/README.md.
/// </summary>
public static class Sm90aPtx
{
    public const string Target = "sm_90a";

    /// <summary>The first PTX ISA with sm_90a (CUDA 12.0).</summary>
    public const string Isa = "8.0";

    /// <summary><paramref name="ptx"/> with <c>.version 8.0</c> and <c>.target sm_90a</c>; every other line unchanged.</summary>
    public static string Patch(string ptx) => PtxCompiler.SetVersion(PtxCompiler.SetTarget(ptx, Target), Isa);

    /// <summary>
    /// A copy of <paramref name="kernel"/> carrying <paramref name="ptx"/> as its assembly, for
    /// <c>CudaAccelerator.LoadKernel</c>. ILGPU's <see cref="PTXCompiledKernel"/> constructor is internal, so this
    /// calls it (and reads the internal entry point) by reflection; ILGPU is pinned, and the tests fail if
    /// 1.5.3's members ever change.
    /// </summary>
    public static PTXCompiledKernel WithAssembly(PTXCompiledKernel kernel, string ptx)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(ptx);
        var constructor = typeof(PTXCompiledKernel).GetConstructor(
            BindingFlags.Instance | BindingFlags.NonPublic,
            [typeof(ILGPU.Context), typeof(EntryPoint), typeof(CompiledKernel.KernelInfo), typeof(string)])
            ?? throw new MissingMethodException("ILGPU's PTXCompiledKernel(Context, EntryPoint, KernelInfo, string) constructor is gone: the sm_90a loader needs updating.");
        var entryPoint = typeof(CompiledKernel).GetProperty("EntryPoint", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(kernel)
            ?? throw new MissingMemberException("ILGPU's CompiledKernel.EntryPoint is gone: the sm_90a loader needs updating.");
        return (PTXCompiledKernel)constructor.Invoke([kernel.Context, entryPoint, kernel.Info, ptx]);
    }
}
