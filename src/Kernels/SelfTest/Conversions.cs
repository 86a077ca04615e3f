using ILGPU;
using ILGPU.Runtime;
using Kernels.Language;
using Half = ILGPU.Half;

namespace Kernels.SelfTest;

/// <summary>f32 → f16 (ILGPU's Half, rounded by F16) and f32 → bf16 (round to nearest even) and back, plus the packing of two bf16 (and of two f16) into one word.</summary>
public static class Conversions
{
    public static readonly Action<ArrayView<float>, ArrayView<Half>, ArrayView<BFloat16>, ArrayView<float>, ArrayView<uint>, ArrayView<uint>> Entry = Kernel;

    public static void Kernel(ArrayView<float> x, ArrayView<Half> h, ArrayView<BFloat16> bf, ArrayView<float> back, ArrayView<uint> packed, ArrayView<uint> packedHalf)
    {
        var i = Grid.GlobalIndex.X;
        if (i < x.IntLength)
        {
            var value = x[i];
            h[i] = F16.FromFloat(value);
            bf[i] = Bf16.FromFloat(value);
            back[2 * i] = (float)h[i];
            back[(2 * i) + 1] = Bf16.Load(bf, i);
            // The value with its negation in the high half: cvt.rn.bf16x2.f32 on CUDA.
            packed[i] = Bf16.Pack(value, -value);
            // The same for f16: cvt.rn.f16x2.f32 on CUDA.
            packedHalf[i] = F16.Pack(value, -value);
        }
    }

    public static void Check(KernelContext context, int n)
    {
        ArgumentNullException.ThrowIfNull(context);
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
        using var dx = Expect.Upload(context, x);
        using var dh = Expect.Zeros<Half>(context, n);
        using var dbf = Expect.Zeros<BFloat16>(context, n);
        using var dback = Expect.Zeros<float>(context, 2 * n);
        using var dpacked = Expect.Zeros<uint>(context, n);
        using var dpackedHalf = Expect.Zeros<uint>(context, n);
        using var stream = context.CreateStream();
        context.Load(Entry)(stream, Expect.Config(Expect.CeilDiv(n, 64), 64), dx.View, dh.View, dbf.View, dback.View, dpacked.View, dpackedHalf.View);
        stream.Synchronize();
        var h = Expect.Download(dh);
        var bf = Expect.Download(dbf);
        var back = Expect.Download(dback);
        var packed = Expect.Download(dpacked);
        var packedHalf = Expect.Download(dpackedHalf);
        for (var i = 0; i < n; i++)
        {
            // Independent references: .NET's System.Half conversion, and bf16 as the top 16 bits rounded to nearest even.
            var eh = (System.Half)x[i];
            var ebf = ReferenceBf16(x[i]);
            var ebfNeg = ReferenceBf16(-x[i]);
            var hBits = Interop.FloatAsInt(h[i]);
            var nan = float.IsNaN(x[i]);
            var ok = hBits == BitConverter.HalfToUInt16Bits(eh) || (nan && System.Half.IsNaN(BitConverter.UInt16BitsToHalf(hBits)));
            ok &= bf[i].Bits == ebf || (nan && (bf[i].Bits & 0x7FFF) > 0x7F80);
            ok &= nan ? float.IsNaN(back[2 * i]) && float.IsNaN(back[(2 * i) + 1])
                : back[2 * i].Equals((float)eh) && back[(2 * i) + 1].Equals(BitConverter.UInt32BitsToSingle((uint)ebf << 16));
            ok &= nan || packed[i] == (ebf | ((uint)ebfNeg << 16));
            ok &= nan || packedHalf[i] == (BitConverter.HalfToUInt16Bits(eh) | ((uint)BitConverter.HalfToUInt16Bits((System.Half)(-x[i])) << 16));
            if (!ok)
            {
                throw new SelfTestFailure($"x[{i}] = {x[i]}: half 0x{hBits:X4} (expected 0x{BitConverter.HalfToUInt16Bits(eh):X4}), bf16 0x{bf[i].Bits:X4} (expected 0x{ebf:X4}), back {back[2 * i]}/{back[(2 * i) + 1]}, packed 0x{packed[i]:X8}, packed f16 0x{packedHalf[i]:X8}.");
            }
        }
    }

    /// <summary>Round to nearest even by exact arithmetic on the discarded low half (no NaN handling: callers skip NaN).</summary>
    private static ushort ReferenceBf16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        var kept = bits >> 16;
        var dropped = bits & 0xFFFF;
        if (dropped > 0x8000 || (dropped == 0x8000 && (kept & 1) == 1))
        {
            kept++;
        }
        return (ushort)kept;
    }
}
