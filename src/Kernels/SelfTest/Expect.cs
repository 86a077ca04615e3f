namespace Kernels.SelfTest;

/// <summary>Comparisons of device results with references that name the first mismatching element.</summary>
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

    public static T[] Download<T>(IDeviceBuffer<T> buffer)
        where T : unmanaged
    {
        var values = new T[buffer.Length];
        buffer.CopyToHost(values);
        return values;
    }

    public static IDeviceBuffer<T> Upload<T>(IKernelRuntime runtime, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var buffer = runtime.Allocate<T>(values.Length);
        buffer.CopyFromHost(values);
        return buffer;
    }

    public static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
