namespace Kernels.Language;

/// <summary>
/// Atomic read-modify-write on global or shared memory; each returns the value held before the operation.
/// Float max/min are a compare-and-swap loop on the device (PTX has no native f32 atom.max).
/// </summary>
public static class Atomic
{
    [Intrinsic(Intrinsic.AtomicAdd)] public static int Add(ref int target, int value) => Interlocked.Add(ref target, value) - value;
    [Intrinsic(Intrinsic.AtomicAdd)] public static uint Add(ref uint target, uint value) => Interlocked.Add(ref target, value) - value;
    [Intrinsic(Intrinsic.AtomicAdd)] public static float Add(ref float target, float value) => throw OutsideKernel.Error(nameof(Add));
    [Intrinsic(Intrinsic.AtomicMax)] public static int Max(ref int target, int value) => throw OutsideKernel.Error(nameof(Max));
    [Intrinsic(Intrinsic.AtomicMax)] public static uint Max(ref uint target, uint value) => throw OutsideKernel.Error(nameof(Max));
    [Intrinsic(Intrinsic.AtomicMax)] public static float Max(ref float target, float value) => throw OutsideKernel.Error(nameof(Max));
    [Intrinsic(Intrinsic.AtomicMin)] public static int Min(ref int target, int value) => throw OutsideKernel.Error(nameof(Min));
    [Intrinsic(Intrinsic.AtomicMin)] public static uint Min(ref uint target, uint value) => throw OutsideKernel.Error(nameof(Min));
    [Intrinsic(Intrinsic.AtomicMin)] public static float Min(ref float target, float value) => throw OutsideKernel.Error(nameof(Min));
    [Intrinsic(Intrinsic.AtomicExchange)] public static int Exchange(ref int target, int value) => Interlocked.Exchange(ref target, value);
    [Intrinsic(Intrinsic.AtomicExchange)] public static uint Exchange(ref uint target, uint value) => Interlocked.Exchange(ref target, value);
    [Intrinsic(Intrinsic.AtomicExchange)] public static float Exchange(ref float target, float value) => Interlocked.Exchange(ref target, value);

    /// <summary>Stores <paramref name="value"/> when the target equals <paramref name="compare"/>; returns the old value.</summary>
    [Intrinsic(Intrinsic.AtomicCompareExchange)] public static int CompareExchange(ref int target, int compare, int value) => Interlocked.CompareExchange(ref target, value, compare);
    [Intrinsic(Intrinsic.AtomicCompareExchange)] public static uint CompareExchange(ref uint target, uint compare, uint value) => Interlocked.CompareExchange(ref target, value, compare);
}
