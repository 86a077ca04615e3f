using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Half = ILGPU.Half;

namespace Kernels.Language;

/// <summary>
/// float → f16 with IEEE round to nearest, ties to even, on both accelerators. ILGPU's own <c>(Half)x</c> is
/// that on CUDA but not on the CPU accelerator, where 65520 (which must round to +∞) becomes 65504; so the
/// CUDA body is <c>cvt.rn.f16.f32</c> and the CPU body the bit arithmetic of the same rounding.
/// </summary>
public static class F16
{
    public static Half FromFloat(float value)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit("cvt.rn.f16.f32 %0, %1;", out ushort bits, value);
            return Interop.IntAsFloat(bits);
        }
        return Interop.IntAsFloat(RoundToF16Bits(value));
    }

    /// <summary>
    /// Two floats rounded to f16 in one 32-bit word: <paramref name="lo"/> in bits 0..15, <paramref name="hi"/> in
    /// 16..31, the layout of an mma fragment register (cvt.rn.f16x2.f32 takes the high half first, as for bf16).
    /// </summary>
    public static uint Pack(float lo, float hi)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit("cvt.rn.f16x2.f32 %0, %1, %2;", out uint packed, hi, lo);
            return packed;
        }
        return RoundToF16Bits(lo) | ((uint)RoundToF16Bits(hi) << 16);
    }

    private static ushort RoundToF16Bits(float value)
    {
        var x = Interop.FloatAsInt(value);
        var sign = (x >> 16) & 0x8000u;
        var ax = x & 0x7FFF_FFFFu;
        if (ax > 0x7F80_0000u)
        {
            // NaN: quiet, keeping the top payload bits.
            return (ushort)(sign | 0x7E00u | ((ax >> 13) & 0x3FFu));
        }
        if (ax >= 0x477F_F000u)
        {
            // 65520 and up (and +∞) round to ∞: 65520 is halfway between 65504 and 65536, and 65504's mantissa is odd.
            return (ushort)(sign | 0x7C00u);
        }
        if (ax >= 0x3880_0000u)
        {
            // Normal: rebias the exponent by 127 - 15, then round off the low 13 mantissa bits to nearest even.
            var rebiased = ax - 0x3800_0000u;
            return (ushort)(sign | ((rebiased + 0x0FFFu + ((rebiased >> 13) & 1u)) >> 13));
        }
        if (ax < 0x3300_0000u)
        {
            // Below 2^-25 (and 2^-25 itself, a tie with even 0): zero.
            return (ushort)sign;
        }
        // Subnormal half: units of 2^-24; the float is m · 2^(e - 150) with the implicit bit in m.
        var exponent = (int)(ax >> 23);
        var mantissa = (ax & 0x007F_FFFFu) | 0x0080_0000u;
        var shift = 126 - exponent;
        var q = mantissa >> shift;
        var rest = mantissa & ((1u << shift) - 1u);
        var half = 1u << (shift - 1);
        if (rest > half || (rest == half && (q & 1u) != 0))
        {
            q++;
        }
        return (ushort)(sign | q);
    }
}
