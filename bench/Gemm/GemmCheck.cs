using Engine.Backends.Cuda.Gemm;
using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Bench.Gemm;

/// <summary>
/// The GEMM's correctness on the real device before it is timed: the unit tests run its CPU bodies, this runs the
/// mma and ldmatrix PTX. Every block height and a split-K plan, bf16 and f16, with bias, on a shape with tails in
/// m, n and k, against a double-precision product of the same rounded operands computed on the host.
/// </summary>
internal static class GemmCheck
{
    public const double Tolerance = 1e-3;

    /// <summary>The largest |ours − exact| / (1 + |exact|) over the cases, with a line per case on stdout.</summary>
    public static double MaxError(KernelContext context, AcceleratorStream stream, int m = 77, int n = 200, int k = 264)
    {
        var random = new Random(7);
        var x = Enumerable.Range(0, m * k).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        var wFloats = Enumerable.Range(0, n * k).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var bias = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
        var accelerator = context.Accelerator;
        using var dx = accelerator.Allocate1D(x);
        using var dbias = accelerator.Allocate1D(bias);
        using var dy = accelerator.Allocate1D<float>(m * n);
        var worst = 0.0;
        foreach (var f16 in new[] { false, true })
        {
            var w = wFloats.Select(v => Round(v, f16)).ToArray();
            using var dw = accelerator.Allocate1D(w);
            var expected = Reference(x, w, bias, m, n, k, f16);
            foreach (var plan in new TensorCoreGemm.Plan[] { new(1, 1), new(2, 1), new(4, 1), new(1, 3), new(4, 2) })
            {
                using var partials = accelerator.Allocate1D<float>(Math.Max(1, TensorCoreGemm.PartialsFor(plan, m, n)));
                dy.View.MemSet(stream, 0xFF); // NaN: an output the kernel misses cannot pass
                TensorCoreGemm.Launch(context, stream, dx.View, dw.View, f16, n, k, dbias.View, dy.View, m, plan, partials.View);
                stream.Synchronize();
                var actual = dy.GetAsArray1D();
                var error = expected.Zip(actual).Max(p => double.IsFinite(p.Second) ? Math.Abs(p.First - p.Second) / (1 + Math.Abs(p.First)) : double.PositiveInfinity);
                Console.WriteLine($"gemm check: {(f16 ? "f16" : "bf16")} {m}×({n}, {k}) plan {plan}: max scaled error {error:E2}");
                worst = Math.Max(worst, error);
            }
        }
        return worst;
    }

    // Round to nearest even: f16 by System.Half, bf16 by integer arithmetic (independent of the kernel layer's).
    private static ushort Round(float value, bool f16)
    {
        if (f16)
        {
            return BitConverter.HalfToUInt16Bits((System.Half)value);
        }
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    private static double Widen(ushort bits, bool f16) =>
        f16 ? (double)BitConverter.UInt16BitsToHalf(bits) : BitConverter.UInt32BitsToSingle((uint)bits << 16);

    private static double[] Reference(float[] x, ushort[] w, float[] bias, int m, int n, int k, bool f16)
    {
        var y = new double[m * n];
        for (var r = 0; r < m; r++)
        {
            for (var o = 0; o < n; o++)
            {
                double sum = bias[o];
                for (var i = 0; i < k; i++)
                {
                    sum += Widen(Round(x[(r * k) + i], f16), f16) * Widen(w[(o * k) + i], f16);
                }
                y[(r * n) + o] = sum;
            }
        }
        return y;
    }
}
