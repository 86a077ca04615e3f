using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// Block-level radix select: the k-th largest float of x (k ≥ 1) by one block of 256 threads, the primitive
/// behind top-k / top-p. Floats map to order-preserving uint keys (flip all bits of negatives, the sign bit
/// of positives); four passes of 8 bits, most significant first, histogram the keys that match the digits
/// fixed so far, then walk the 256 buckets from the top until k is reached.
/// </summary>
public static class RadixSelect
{
    [Kernel]
    public static void Kernel(ArrayView<float> x, ArrayView<float> result, int k)
    {
        var histogram = Shared.Allocate<int, Size256>();
        var state = Shared.Allocate<uint, Size2>();
        var tid = Grid.ThreadIdxX;
        if (tid == 0)
        {
            state[0] = 0;
            state[1] = (uint)k;
        }
        var mask = 0u;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            histogram[tid] = 0;
            Block.Barrier();
            var prefix = state[0];
            for (var i = tid; i < x.Length; i += Grid.BlockDimX)
            {
                var key = Key(x[i]);
                if ((key & mask) == prefix)
                {
                    Atomic.Add(ref histogram[(int)((key >> shift) & 255u)], 1);
                }
            }
            Block.Barrier();
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
            Block.Barrier();
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
        var bits = DeviceMath.FloatBits(value);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    public static float FromKey(uint key) =>
        DeviceMath.BitsToFloat((key & 0x8000_0000u) != 0 ? key & 0x7FFF_FFFFu : ~key);

    public static void Check(IKernelRuntime runtime, int n, int k)
    {
        var random = new Random(14 + n);
        // Few distinct values so that ties at the k-th position are common.
        var x = Enumerable.Range(0, n).Select(_ => random.Next(-50, 50) * 0.25f).ToArray();
        using var dx = Expect.Upload<float>(runtime, x);
        using var dr = runtime.Allocate<float>(1);
        runtime.Launch(KernelCompiler.Compile(typeof(RadixSelect), nameof(Kernel)), 1, 256, 0, dx.View, dr.View, k);
        var sorted = x.OrderByDescending(v => v).ToArray();
        Expect.Equal<float>([sorted[k - 1]], Expect.Download(dr), $"{k}-th largest of {n}");
    }
}
