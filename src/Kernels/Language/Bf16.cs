using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Kernels.Language;

/// <summary>
/// BF16 conversions, packing and loads. Rounding is to nearest, ties to even, and NaN stays a quiet NaN, as
/// <c>cvt.rn.bf16.f32</c> does; the CUDA bodies are that instruction, the CPU bodies the same bit arithmetic.
/// </summary>
public static class Bf16
{
    /// <summary>float → bf16, round to nearest even (cvt.rn.bf16.f32, sm_80+).</summary>
    public static BFloat16 FromFloat(float value)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit("cvt.rn.bf16.f32 %0, %1;", out ushort bits, value);
            return new BFloat16(bits);
        }
        return new BFloat16(RoundToBf16Bits(value));
    }

    /// <summary>bf16 → float: exact, the bits shifted into the top half (no instruction needed on either accelerator).</summary>
    public static float ToFloat(BFloat16 value) => Interop.IntAsFloat((uint)value.Bits << 16);

    /// <summary>
    /// Two floats rounded to bf16 in one 32-bit word: <paramref name="lo"/> in bits 0..15, <paramref name="hi"/>
    /// in 16..31, the layout of an mma fragment register (cvt.rn.bf16x2.f32 takes the high half first).
    /// </summary>
    public static uint Pack(float lo, float hi)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit("cvt.rn.bf16x2.f32 %0, %1, %2;", out uint packed, hi, lo);
            return packed;
        }
        return RoundToBf16Bits(lo) | ((uint)RoundToBf16Bits(hi) << 16);
    }

    /// <summary>Two bf16 bit patterns in one word, <paramref name="lo"/> in bits 0..15.</summary>
    public static uint Pack(BFloat16 lo, BFloat16 hi) => lo.Bits | ((uint)hi.Bits << 16);

    /// <summary>x[index] widened to float.</summary>
    public static float Load(ArrayView<BFloat16> x, int index) => ToFloat(x[index]);

    private static ushort RoundToBf16Bits(float value)
    {
        var x = Interop.FloatAsInt(value);
        if ((x & 0x7FFF_FFFFu) > 0x7F80_0000u)
        {
            // NaN: keep the sign and the top payload bits, force the quiet bit.
            return (ushort)((x >> 16) | 0x0040u);
        }
        // Round to nearest even: add 0x7FFF plus the lowest kept bit, then truncate.
        return (ushort)((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
    }
}
