using ILGPU;
using ILGPU.Runtime;

namespace Kernels.SelfTest;

/// <summary>Comparisons of device results with references that name the first mismatching element, and the upload/download plumbing of the checks.</summary>
public static class Expect
{
    public static void Equal<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : IEquatable<T>
    {
        if (expected.Length != actual.Length)
        {
            throw new SelfTestFailure($"{what}: length {actual.Length}, expected {expected.Length}.");
        }
        for (var i = 0; i < expected.Length; i++)
        {
            if (!expected[i].Equals(actual[i]))
            {
                throw new SelfTestFailure($"{what}: element {i} is {actual[i]}, expected {expected[i]}.");
            }
        }
    }

    /// <summary>|actual - expected| ≤ absolute + relative · |expected| for every element.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float absolute, float relative, string what)
    {
        if (expected.Length != actual.Length)
        {
            throw new SelfTestFailure($"{what}: length {actual.Length}, expected {expected.Length}.");
        }
        for (var i = 0; i < expected.Length; i++)
        {
            if (!(MathF.Abs(actual[i] - expected[i]) <= absolute + (relative * MathF.Abs(expected[i]))))
            {
                throw new SelfTestFailure($"{what}: element {i} is {actual[i]}, expected {expected[i]} (tolerance {absolute} + {relative}·|x|).");
            }
        }
    }

    public static float[] RandomFloats(int count, int seed, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = low + ((high - low) * random.NextSingle());
        }
        return values;
    }

    /// <summary>A device copy of <paramref name="values"/>.</summary>
    public static MemoryBuffer1D<T, Stride1D.Dense> Upload<T>(KernelContext context, T[] values)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(values);
        return context.Accelerator.Allocate1D(values);
    }

    /// <summary>A zeroed device buffer of <paramref name="length"/> elements.</summary>
    public static MemoryBuffer1D<T, Stride1D.Dense> Zeros<T>(KernelContext context, int length)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(context);
        var buffer = context.Accelerator.Allocate1D<T>(length);
        buffer.MemSetToZero();
        context.Accelerator.Synchronize();
        return buffer;
    }

    public static T[] Download<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return buffer.GetAsArray1D();
    }

    public static int CeilDiv(int a, int b) => (a + b - 1) / b;

    /// <summary>A 1-D launch of <paramref name="groups"/> groups of <paramref name="groupSize"/> threads.</summary>
    public static KernelConfig Config(int groups, int groupSize) => new(Math.Max(groups, 1), groupSize);
}
