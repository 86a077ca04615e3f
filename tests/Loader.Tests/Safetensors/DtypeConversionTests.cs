using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using Loader.Safetensors;

namespace Loader.Tests.Safetensors;

public sealed class DtypeConversionTests
{
    /// <summary>
    /// The BF16 nearest to <paramref name="value"/> by distance (computed in double), ties to the even
    /// mantissa: the definition of round-to-nearest-even, written independently of the bit trick under test.
    /// </summary>
    private static ushort ReferenceBf16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsInfinity(value))
        {
            return (ushort)(bits >> 16);
        }
        var down = bits & 0xFFFF_0000u;
        var up = down + 0x1_0000u;
        var distanceDown = Math.Abs((double)value - AsDouble(down));
        var distanceUp = Math.Abs(AsDouble(up) - value);
        if (distanceDown < distanceUp || (distanceDown == distanceUp && ((down >> 16) & 1) == 0))
        {
            return (ushort)(down >> 16);
        }
        return (ushort)(up >> 16);
    }

    /// <summary>A float's value in double; the infinity pattern stands for ±2^128, where IEEE places the overflow threshold.</summary>
    private static double AsDouble(uint bits)
    {
        var value = BitConverter.UInt32BitsToSingle(bits);
        return float.IsInfinity(value) ? Math.CopySign(Math.Pow(2, 128), value) : value;
    }

    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-2.0f, 0xC000)]
    [InlineData(3.140625f, 0x4049)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    public void Bf16Bits_AreTopHalfOfFloat32(float value, int bits)
    {
        Assert.Equal((ushort)bits, DtypeConversion.RoundToBf16(BitConverter.SingleToUInt32Bits(value)));
        var widened = new float[1];
        DtypeConversion.Bf16ToFloat32([(ushort)bits], widened);
        Assert.Equal(value, widened[0]);
    }

    [Fact]
    public void Float32ToBf16_RoundsTiesToEven()
    {
        // 1 + 2^-8 lies exactly between BF16 1.0 (even) and 1 + 2^-7 (odd): rounds down to 1.0.
        Assert.Equal(0x3F80, DtypeConversion.RoundToBf16(0x3F80_8000u));
        // 1 + 3*2^-8 lies between 1 + 2^-7 (odd) and 1 + 2^-6 (even): rounds up.
        Assert.Equal(0x3F82, DtypeConversion.RoundToBf16(0x3F81_8000u));
        // Just above the tie rounds up.
        Assert.Equal(0x3F81, DtypeConversion.RoundToBf16(0x3F80_8001u));
    }

    [Fact]
    public void Float32ToBf16_KeepsNaNQuiet_AndNeverRoundsItToInfinity()
    {
        var nan = BitConverter.UInt32BitsToSingle(0x7FFF_FFFFu);
        var result = new ushort[1];
        DtypeConversion.Float32ToBf16([nan], result);
        Assert.True(float.IsNaN(BitConverter.UInt32BitsToSingle((uint)result[0] << 16)));
        Assert.Equal(0x7FFF, result[0]);
    }

    [Fact]
    public void Float32ToBf16_MatchesNearestEvenReference_ForRandomFloats()
    {
        // Lengths up to 80 cover the 16-wide vector body and every scalar tail length.
        Prop.ForAll(ArbMap.Default.ArbFor<float[]>(), values =>
        {
            var vectorised = new ushort[values.Length];
            DtypeConversion.Float32ToBf16(values, vectorised);
            for (var i = 0; i < values.Length; i++)
            {
                if (float.IsNaN(values[i]))
                {
                    Assert.True(float.IsNaN(BitConverter.UInt32BitsToSingle((uint)vectorised[i] << 16)));
                    continue;
                }
                Assert.Equal(ReferenceBf16(values[i]), vectorised[i]);
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Float32ToBf16_MatchesReference_ForEveryTailLength()
    {
        var random = new Random(5);
        for (var length = 0; length <= 70; length++)
        {
            var values = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 200 - 100)).ToArray();
            var bf16 = new ushort[length];
            DtypeConversion.Float32ToBf16(values, bf16);
            Assert.Equal(values.Select(ReferenceBf16), bf16);
            var back = new float[length];
            DtypeConversion.Bf16ToFloat32(bf16, back);
            Assert.Equal(bf16.Select(b => BitConverter.UInt32BitsToSingle((uint)b << 16)), back);
        }
    }

    [Fact]
    public void F16_ConvertsBothWays_WithSystemHalfRounding()
    {
        float[] values = [0f, 1f, -0.5f, 65504f, 1e-8f, 0.1f, 70000f];
        var bytes = new byte[values.Length * 2];
        DtypeConversion.FromFloat32(values, SafetensorsDtype.F16, bytes);
        var halves = MemoryMarshal.Cast<byte, Half>(bytes).ToArray();
        Assert.Equal(values.Select(v => (Half)v), halves);
        var back = new float[values.Length];
        DtypeConversion.ToFloat32(SafetensorsDtype.F16, bytes, back);
        Assert.Equal(halves.Select(h => (float)h), back);
    }

    [Theory]
    [InlineData(0x38, 1.0f)]
    [InlineData(0x7E, 448f)]
    [InlineData(0xFE, -448f)]
    [InlineData(0x01, 0.001953125f)] // smallest subnormal 2^-9
    [InlineData(0x08, 0.015625f)] // smallest normal 2^-6
    [InlineData(0x78, 256f)] // exponent 15 is finite in the fn variant: 1.0 * 2^8
    public void F8E4M3_DecodesFnVariant(int code, float expected)
    {
        var result = new float[1];
        DtypeConversion.ToFloat32(SafetensorsDtype.F8E4M3, [(byte)code], result);
        Assert.Equal(expected, result[0]);
    }

    [Theory]
    [InlineData(0x3C, 1.0f)]
    [InlineData(0x7B, 57344f)]
    [InlineData(0x01, 1.52587890625e-5f)] // 2^-16
    [InlineData(0x7C, float.PositiveInfinity)]
    [InlineData(0xFC, float.NegativeInfinity)]
    public void F8E5M2_DecodesIeeeLikeVariant(int code, float expected)
    {
        var result = new float[1];
        DtypeConversion.ToFloat32(SafetensorsDtype.F8E5M2, [(byte)code], result);
        Assert.Equal(expected, result[0]);
    }

    [Fact]
    public void Fp8NaNCodes_DecodeToNaN()
    {
        var result = new float[3];
        DtypeConversion.ToFloat32(SafetensorsDtype.F8E4M3, [0x7F, 0xFF, 0x7F], result);
        Assert.All(result, v => Assert.True(float.IsNaN(v)));
        DtypeConversion.ToFloat32(SafetensorsDtype.F8E5M2, [0x7D, 0xFF, 0x7E], result);
        Assert.All(result, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void IntegersBoolAndF64_ConvertToNearestFloat()
    {
        var result = new float[3];
        DtypeConversion.ToFloat32(SafetensorsDtype.I16, MemoryMarshal.AsBytes<short>([-3, 0, 32767]), result);
        Assert.Equal([-3f, 0f, 32767f], result);
        DtypeConversion.ToFloat32(SafetensorsDtype.Bool, [0, 1, 7], result);
        Assert.Equal([0f, 1f, 1f], result);
        DtypeConversion.ToFloat32(SafetensorsDtype.F64, MemoryMarshal.AsBytes<double>([0.1, -1e300, 2.5]), result);
        Assert.Equal([0.1f, float.NegativeInfinity, 2.5f], result);
        DtypeConversion.ToFloat32(SafetensorsDtype.I64, MemoryMarshal.AsBytes<long>([16777217, -1, 0]), result);
        Assert.Equal([16777216f, -1f, 0f], result);
    }

    [Theory]
    [InlineData(SafetensorsDtype.I32)]
    [InlineData(SafetensorsDtype.F8E4M3)]
    [InlineData(SafetensorsDtype.Bool)]
    public void FromFloat32_Throws_ForNonFloatTargets(SafetensorsDtype dtype)
    {
        var error = Assert.Throws<SafetensorsFormatException>(() =>
            DtypeConversion.FromFloat32([1f], dtype, new byte[SafetensorsDtypes.SizeOf(dtype)], "f.safetensors", "w"));
        Assert.Contains("unsupported target dtype", error.Problem, StringComparison.Ordinal);
        Assert.Equal("w", error.Tensor);
    }

    [Fact]
    public void Convert_Bf16ToF16_EqualsWideningThenNarrowing_AcrossBlockBoundaries()
    {
        // 2500 elements span three 1024-element blocks, the last one partial.
        var random = new Random(11);
        var bf16 = Enumerable.Range(0, 2500).Select(_ => DtypeConversion.RoundToBf16(BitConverter.SingleToUInt32Bits((float)(random.NextDouble() * 8 - 4)))).ToArray();
        var source = MemoryMarshal.AsBytes(bf16.AsSpan()).ToArray();
        var converted = new byte[2500 * 2];

        DtypeConversion.Convert(SafetensorsDtype.BF16, source, SafetensorsDtype.F16, converted);

        var expected = bf16.Select(b => (Half)BitConverter.UInt32BitsToSingle((uint)b << 16)).ToArray();
        Assert.Equal(expected, MemoryMarshal.Cast<byte, Half>(converted).ToArray());
    }

    [Fact]
    public void Convert_CopiesSameDtype_AndRejectsMismatchedLengths()
    {
        byte[] source = [1, 2, 3, 4];
        var copy = new byte[4];
        DtypeConversion.Convert(SafetensorsDtype.I16, source, SafetensorsDtype.I16, copy);
        Assert.Equal(source, copy);
        Assert.Throws<ArgumentException>(() => DtypeConversion.Convert(SafetensorsDtype.F32, source, SafetensorsDtype.BF16, new byte[4]));
    }
}
