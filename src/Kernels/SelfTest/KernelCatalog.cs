using System.Reflection;

namespace Kernels.SelfTest;

/// <summary>Every self-test kernel, as the instantiations that get compiled (for the ptxas gate and --dump-ptx).</summary>
public static class KernelCatalog
{
    public static IReadOnlyList<MethodInfo> All { get; } =
    [
        Method(typeof(VectorAdd), nameof(VectorAdd.Kernel)),
        Method(typeof(BlockReduce), nameof(BlockReduce.Kernel), typeof(Size64)),
        Method(typeof(BlockReduce), nameof(BlockReduce.Kernel), typeof(Size256)),
        Method(typeof(WarpReduce), nameof(WarpReduce.Kernel)),
        Method(typeof(Histogram), nameof(Histogram.Kernel)),
        Method(typeof(Atomics), nameof(Atomics.Kernel)),
        Method(typeof(TiledMatmul), nameof(TiledMatmul.Kernel), typeof(Size8)),
        Method(typeof(TiledMatmul), nameof(TiledMatmul.Kernel), typeof(Size16)),
        Method(typeof(Conversions), nameof(Conversions.Kernel)),
        Method(typeof(VectorLoads), nameof(VectorLoads.Kernel)),
        Method(typeof(VectorLoads), nameof(VectorLoads.SwapKernel)),
        Method(typeof(MmaTile), nameof(MmaTile.Kernel), typeof(Size2)),
        Method(typeof(MmaTile), nameof(MmaTile.Kernel), typeof(MmaTile.Zero)),
        Method(typeof(RadixSelect), nameof(RadixSelect.Kernel)),
        Method(typeof(MathFunctions), nameof(MathFunctions.Kernel)),
        Method(typeof(Specialisation), nameof(Specialisation.Axpy), typeof(float)),
        Method(typeof(Specialisation), nameof(Specialisation.Axpy), typeof(int)),
        Method(typeof(Specialisation), nameof(Specialisation.Fold), typeof(Specialisation.MaxOp), typeof(Size4)),
        Method(typeof(Specialisation), nameof(Specialisation.Fold), typeof(Specialisation.SubOp), typeof(Size4)),
        Method(typeof(Specialisation), nameof(Specialisation.Softmax)),
    ];

    public static MethodInfo Method(Type type, string name, params Type[] typeArguments)
    {
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{type.Name}.{name} not found");
        return typeArguments.Length > 0 ? method.MakeGenericMethod(typeArguments) : method;
    }
}
