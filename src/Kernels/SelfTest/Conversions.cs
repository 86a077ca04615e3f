using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>f32 → f16 and f32 → bf16 (round to nearest even) and back, plus the raw bf16 bits and a repack of two halves.</summary>
public static class Conversions
{
    [Kernel]
    public static void Kernel(ArrayView<float> x, ArrayView<Half> h, ArrayView<BFloat16> bf, ArrayView<float> back, ArrayView<uint> bits)
    {
        var i = Grid.GlobalIndexX;
        if (i < x.Length)
        {
            var value = x[i];
            h[i] = (Half)value;
            bf[i] = Convert16.ToBFloat16(value);
            back[2 * i] = (float)h[i];
            back[(2 * i) + 1] = (float)bf[i];
            bits[i] = Convert16.Pack(bf[i], new BFloat16(Convert16.Bits(h[i])));
        }
    }

    public static void Check(IKernelRuntime runtime, int n)
    {
        var x = Expect.RandomFloats(n, 8, -70000f, 70000f);
        float[] specials = [0f, -0f, 1f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 65504f, 65520f, 1e-8f, 3.0e-39f, 1.00390625f, 1.01171875f];
        for (var i = 0; i < Math.Min(n, specials.Length); i++)
        {
            x[i] = specials[i];
        }
        for (var i = specials.Length; i < n; i += 3)
        {
            x[i] /= 10000f;
        }
        using var dx = Expect.Upload<float>(runtime, x);
        using var dh = runtime.Allocate<Half>(n);
        using var dbf = runtime.Allocate<BFloat16>(n);
        using var dback = runtime.Allocate<float>(2 * n);
        using var dbits = runtime.Allocate<uint>(n);
        runtime.Launch(KernelCompiler.Compile(typeof(Conversions), nameof(Kernel)), Expect.CeilDiv(n, 64), 64, 0, dx.View, dh.View, dbf.View, dback.View, dbits.View);
        var h = Expect.Download(dh);
        var bf = Expect.Download(dbf);
        var back = Expect.Download(dback);
        var bits = Expect.Download(dbits);
        for (var i = 0; i < n; i++)
        {
            var eh = (Half)x[i];
            var ebf = (BFloat16)x[i];
            var ok = BitConverter.HalfToUInt16Bits(h[i]) == BitConverter.HalfToUInt16Bits(eh) || (Half.IsNaN(eh) && Half.IsNaN(h[i]));
            ok &= bf[i].Bits == ebf.Bits || (float.IsNaN(x[i]) && float.IsNaN((float)bf[i]));
            ok &= back[2 * i].Equals((float)eh) && back[(2 * i) + 1].Equals((float)ebf);
            ok &= float.IsNaN(x[i]) || bits[i] == (ebf.Bits | ((uint)BitConverter.HalfToUInt16Bits(eh) << 16));
            if (!ok)
            {
                throw new SelfTestFailure($"x[{i}] = {x[i]}: half {h[i]} (expected {eh}), bf16 0x{bf[i].Bits:X4} (expected 0x{ebf.Bits:X4}), back {back[2 * i]}/{back[(2 * i) + 1]}, bits 0x{bits[i]:X8}.");
            }
        }
    }
}
