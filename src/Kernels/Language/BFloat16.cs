namespace Kernels.Language;

/// <summary>
/// The bfloat16 format: the top 16 bits of an IEEE-754 binary32 (1 sign, 8 exponent, 7 mantissa bits). ILGPU
/// has no such type; <see cref="Bf16"/> converts, packs and loads it on both accelerators.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    public BFloat16(ushort bits) => Bits = bits;

    public ushort Bits { get; }

    public static explicit operator BFloat16(float value) => Bf16.FromFloat(value);

    public static explicit operator float(BFloat16 value) => Bf16.ToFloat(value);

    public bool Equals(BFloat16 other) => Bits == other.Bits;

    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    public override int GetHashCode() => Bits;

    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool operator ==(BFloat16 left, BFloat16 right) => left.Equals(right);

    public static bool operator !=(BFloat16 left, BFloat16 right) => !left.Equals(right);
}
