namespace Kernels.Language;

/// <summary>
/// The bfloat16 format: the top 16 bits of an IEEE-754 binary32 (1 sign, 8 exponent, 7 mantissa bits).
/// Conversion from float rounds to nearest, ties to even, and keeps NaN a (quiet) NaN, as cvt.rn.bf16.f32.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    private readonly ushort _bits;

    [Intrinsic(Intrinsic.BFloat16FromBits)]
    public BFloat16(ushort bits) => _bits = bits;

    public ushort Bits { [Intrinsic(Intrinsic.BFloat16Bits)] get => _bits; }

    [Intrinsic(Intrinsic.FloatToBFloat16)]
    public static explicit operator BFloat16(float value)
    {
        var x = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return new BFloat16((ushort)((x >> 16) | 0x0040));
        }
        // Round to nearest even: add 0x7FFF plus the lowest kept bit, then truncate.
        var rounded = x + 0x7FFFu + ((x >> 16) & 1u);
        return new BFloat16((ushort)(rounded >> 16));
    }

    [Intrinsic(Intrinsic.BFloat16ToFloat)]
    public static explicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value.Bits << 16);

    public bool Equals(BFloat16 other) => Bits == other.Bits;

    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    public override int GetHashCode() => Bits;

    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool operator ==(BFloat16 left, BFloat16 right) => left.Equals(right);

    public static bool operator !=(BFloat16 left, BFloat16 right) => !left.Equals(right);
}
