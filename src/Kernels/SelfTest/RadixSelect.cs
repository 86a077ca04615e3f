using ILGPU;
using ILGPU.Runtime;

namespace Kernels.SelfTest;

/// <summary>
/// Group-level radix select: the k-th largest float of x (k ≥ 1) by one group of 256 threads, the primitive
/// behind top-k / top-p. Floats map to order-preserving uint keys (flip all bits of negatives, the sign bit
/// of positives); four passes of 8 bits, most significant first, histogram the keys that match the digits
/// fixed so far, then walk the 256 buckets from the top until k is reached.
/// </summary>
public static class RadixSelect
{
    public const int GroupSize = 256;

    public static readonly Action<ArrayView<float>, ArrayView<float>, int> Entry = Kernel;

    public static void Kernel(ArrayView<float> x, ArrayView<float> result, int k)
    {
        var histogram = SharedMemory.Allocate<int>(256);
        var state = SharedMemory.Allocate<uint>(2);
        var tid = Group.IdxX;
        if (tid == 0)
        {
            state[0] = 0;
            state[1] = (uint)k;
        }
        var mask = 0u;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            histogram[tid] = 0;
            Group.Barrier();
            var prefix = state[0];
            for (var i = tid; i < x.IntLength; i += Group.DimX)
            {
                var key = Key(x[i]);
                if ((key & mask) == prefix)
                {
                    Atomic.Add(ref histogram[(int)((key >> shift) & 255u)], 1);
                }
            }
            Group.Barrier();
            if (tid == 0)
            {
                var remaining = (int)state[1];
                var digit = 255;
                while (digit > 0 && histogram[digit] < remaining)
                {
                    remaining -= histogram[digit];
                    digit--;
                }
                state[0] = prefix | ((uint)digit << shift);
                state[1] = (uint)remaining;
            }
            Group.Barrier();
            mask |= 255u << shift;
        }
        if (tid == 0)
        {
            result[0] = FromKey(state[0]);
        }
    }

    /// <summary>Order-preserving float → uint: larger floats give larger keys.</summary>
    public static uint Key(float value)
    {
        var bits = Interop.FloatAsInt(value);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    public static float FromKey(uint key) =>
        Interop.IntAsFloat((key & 0x8000_0000u) != 0 ? key & 0x7FFF_FFFFu : ~key);

    /// <summary>The k-th largest of <paramref name="x"/> (1 ≤ k ≤ length, checked here: a kernel cannot report it).</summary>
    public static void Select(KernelContext context, AcceleratorStream stream, ArrayView<float> x, ArrayView<float> result, int k)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, x.IntLength);
        context.Load(Entry)(stream, Expect.Config(1, GroupSize), x, result, k);
    }

    public static void Check(KernelContext context, int n, int k)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = new Random(14 + n);
        // Few distinct values so that ties at the k-th position are common.
        var x = Enumerable.Range(0, n).Select(_ => random.Next(-50, 50) * 0.25f).ToArray();
        using var dx = Expect.Upload(context, x);
        using var dr = Expect.Zeros<float>(context, 1);
        using var stream = context.CreateStream();
        Select(context, stream, dx.View, dr.View, k);
        stream.Synchronize();
        var sorted = x.OrderByDescending(v => v).ToArray();
        Expect.Equal<float>([sorted[k - 1]], Expect.Download(dr), $"{k}-th largest of {n}");
    }
}
