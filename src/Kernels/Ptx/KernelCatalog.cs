using System.Reflection;
using Kernels.SelfTest;

namespace Kernels.Ptx;

/// <summary>
/// Every kernel instantiation the layer ships, as the PTX gate and <c>--dump-ptx</c> compile them. A kernel
/// that must run from registers alone (no local-memory stack frame, no spills) says so; the gate enforces it.
/// </summary>
public static class KernelCatalog
{
    public static IReadOnlyList<CatalogKernel> All { get; } =
    [
        new(Method(typeof(VectorAdd), nameof(VectorAdd.Kernel))),
        new(Method(typeof(BlockReduce), nameof(BlockReduce.Kernel), typeof(Size64))),
        new(Method(typeof(BlockReduce), nameof(BlockReduce.Kernel), typeof(Size256))),
        new(Method(typeof(WarpReduce), nameof(WarpReduce.Kernel))),
        new(Method(typeof(Histogram), nameof(Histogram.Kernel))),
        new(Method(typeof(Atomics), nameof(Atomics.Kernel))),
        new(Method(typeof(TiledMatmul), nameof(TiledMatmul.Kernel), typeof(Size8))),
        new(Method(typeof(TiledMatmul), nameof(TiledMatmul.Kernel), typeof(Size16))),
        new(Method(typeof(Conversions), nameof(Conversions.Kernel))),
        new(Method(typeof(VectorLoads), nameof(VectorLoads.Scale))),
        new(Method(typeof(VectorLoads), nameof(VectorLoads.SwapThroughShared))),
        new(Method(typeof(GridStrideCopy), nameof(GridStrideCopy.Kernel))),
        new(Method(typeof(LoadMatrix), nameof(LoadMatrix.Kernel))),
        new(Method(typeof(MmaTile), nameof(MmaTile.Kernel), typeof(Size2))),
        new(Method(typeof(MmaTile), nameof(MmaTile.Kernel), typeof(MmaTile.Zero))),
        new(Method(typeof(RadixSelect), nameof(RadixSelect.Kernel))),
        new(Method(typeof(MathFunctions), nameof(MathFunctions.Kernel))),
        new(Method(typeof(Specialisation), nameof(Specialisation.Axpy), typeof(float))),
        new(Method(typeof(Specialisation), nameof(Specialisation.Axpy), typeof(int))),
        new(Method(typeof(Specialisation), nameof(Specialisation.Fold), typeof(Specialisation.MaxOp), typeof(Size4))),
        new(Method(typeof(Specialisation), nameof(Specialisation.Fold), typeof(Specialisation.SubOp), typeof(Size4))),
        new(Method(typeof(Specialisation), nameof(Specialisation.Softmax))),
    ];

    public static MethodInfo Method(Type type, string name, params Type[] typeArguments)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(typeArguments);
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{type.Name}.{name} not found");
        return typeArguments.Length > 0 ? method.MakeGenericMethod(typeArguments) : method;
    }
}

/// <summary>One kernel instantiation; <paramref name="StackFrameAllowed"/> is the reason it may use local memory, or null when it must not.</summary>
public sealed record CatalogKernel(MethodInfo Method, string? StackFrameAllowed = null)
{
    public string Name => KernelNames.Of(Method);
}
