using FsCheck;
using FsCheck.Fluent;
using ILGPU;
using Kernels.Language;

namespace Kernels.Tests;

/// <summary>
/// The CPU bodies of the 16-bit conversions over the whole float space (random bit patterns, every class:
/// zeros, subnormals, normals, overflow, infinities, NaN), against independent references: .NET's System.Half
/// for f16, and round-to-nearest-even on the discarded low half for bf16. Outside a kernel the wrappers take
/// their CPU branch, the same code the CPU accelerator runs.
/// </summary>
public sealed class RoundingPropertyTests
{
    // FsCheck's own uint generator stays near zero (tiny subnormals only): draw all 32 bits uniformly instead.
    private static readonly Arbitrary<uint> AnyBits = Gen.Choose(int.MinValue, int.MaxValue).Select(i => unchecked((uint)i)).ToArbitrary();

    private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(20_000);

    [Fact]
    public void F16FromFloat_MatchesSystemHalf_ForEveryBitPattern()
    {
        Prop.ForAll(AnyBits, bits =>
        {
            var x = BitConverter.UInt32BitsToSingle(bits);
            var ours = Interop.FloatAsInt(F16.FromFloat(x));
            var expected = BitConverter.HalfToUInt16Bits((System.Half)x);
            return float.IsNaN(x) ? (ours & 0x7C00) == 0x7C00 && (ours & 0x03FF) != 0 : ours == expected;
        }).Check(Many);
    }

    [Theory]
    [InlineData(65520f, 0x7C00)]
    [InlineData(65519.996f, 0x7BFF)]
    [InlineData(5.9604645e-8f, 0x0001)]
    [InlineData(2.9802322e-8f, 0x0000)]
    [InlineData(-0f, 0x8000)]
    public void F16FromFloat_RoundsTheEdgesToNearestEven(float x, int expected) =>
        Assert.Equal((ushort)expected, Interop.FloatAsInt(F16.FromFloat(x)));

    [Fact]
    public void Bf16FromFloat_RoundsToNearestEven_ForEveryBitPattern()
    {
        Prop.ForAll(AnyBits, bits =>
        {
            var x = BitConverter.UInt32BitsToSingle(bits);
            var ours = Bf16.FromFloat(x).Bits;
            if (float.IsNaN(x))
            {
                // Still a NaN, quiet, with the sign kept.
                return (ours & 0x7F80) == 0x7F80 && (ours & 0x0040) != 0 && (ours >> 15) == (bits >> 31);
            }
            var kept = bits >> 16;
            var dropped = bits & 0xFFFF;
            var expected = dropped > 0x8000 || (dropped == 0x8000 && (kept & 1) == 1) ? kept + 1 : kept;
            return ours == expected && Bf16.Pack(x, -x) == (expected | ((uint)Bf16.FromFloat(-x).Bits << 16));
        }).Check(Many);
    }

    [Fact]
    public void Bf16ToFloat_IsExact_ForEveryBf16()
    {
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            var expected = BitConverter.UInt32BitsToSingle((uint)bits << 16);
            var actual = Bf16.ToFloat(new BFloat16((ushort)bits));
            Assert.True(expected.Equals(actual), $"0x{bits:X4}");
        }
    }
}
