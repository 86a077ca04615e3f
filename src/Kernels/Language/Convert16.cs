namespace Kernels.Language;

/// <summary>16-bit float conversions and bit access (cvt.f32.f16, cvt.rn.f16.f32, cvt.rn.bf16.f32, mov.b32 packing).</summary>
public static class Convert16
{
    [Intrinsic(Intrinsic.HalfToFloat)] public static float ToFloat(Half value) => (float)value;
    [Intrinsic(Intrinsic.FloatToHalf)] public static Half ToHalf(float value) => (Half)value;
    [Intrinsic(Intrinsic.BFloat16ToFloat)] public static float ToFloat(BFloat16 value) => (float)value;
    [Intrinsic(Intrinsic.FloatToBFloat16)] public static BFloat16 ToBFloat16(float value) => (BFloat16)value;
    [Intrinsic(Intrinsic.HalfBits)] public static ushort Bits(Half value) => BitConverter.HalfToUInt16Bits(value);
    [Intrinsic(Intrinsic.BFloat16Bits)] public static ushort Bits(BFloat16 value) => value.Bits;

    /// <summary>Two 16-bit values in one 32-bit register: <paramref name="lo"/> in bits 0..15, <paramref name="hi"/> in 16..31.</summary>
    [Intrinsic(Intrinsic.Pack2)] public static uint Pack(BFloat16 lo, BFloat16 hi) => lo.Bits | ((uint)hi.Bits << 16);

    [Intrinsic(Intrinsic.Pack2)] public static uint Pack(Half lo, Half hi) => BitConverter.HalfToUInt16Bits(lo) | ((uint)BitConverter.HalfToUInt16Bits(hi) << 16);
}
