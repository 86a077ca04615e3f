namespace Kernels.Language;

/// <summary>Block-shared memory allocations. Each call site is one allocation of the kernel, sized at compile time.</summary>
public static class Shared
{
    /// <summary><c>TSize.Value</c> elements of static shared memory (folded per instantiation).</summary>
    [Intrinsic(Intrinsic.SharedAllocateConst)]
    public static SharedView<T> Allocate<T, TSize>()
        where T : unmanaged
        where TSize : struct, IConst => throw OutsideKernel.Error(nameof(Allocate));

    /// <summary><paramref name="count"/> elements of static shared memory; the count must fold to a constant.</summary>
    [Intrinsic(Intrinsic.SharedAllocateCount)]
    public static SharedView<T> Allocate<T>(int count)
        where T : unmanaged => throw OutsideKernel.Error(nameof(Allocate));

    /// <summary>The launch's dynamic shared memory as elements of <typeparamref name="T"/> (16-byte aligned).</summary>
    [Intrinsic(Intrinsic.SharedDynamic)]
    public static SharedView<T> Dynamic<T>()
        where T : unmanaged => throw OutsideKernel.Error(nameof(Dynamic));
}
