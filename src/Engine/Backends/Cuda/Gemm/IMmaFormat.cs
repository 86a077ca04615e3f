using Kernels.Language;

namespace Engine.Backends.Cuda.Gemm;

/// <summary>
/// The 16-bit operand type of the tensor-core GEMM (a struct type argument, so each format is its own kernel):
/// how two float32 activations are rounded into one fragment word, and the matching m16n8k16 mma.
/// </summary>
public interface IMmaFormat
{
    /// <summary>lo and hi rounded to nearest even, lo in bits 0..15 (an mma fragment word).</summary>
    static abstract uint Pack(float lo, float hi);

    /// <summary>D = A·B + C on the tensor core (see <see cref="TensorCore"/> for the fragment layouts).</summary>
    static abstract Float4 Mma(UInt4 a, UInt2 b, Float4 c);
}

/// <summary>bfloat16 operands (cvt.rn.bf16x2.f32, mma .bf16).</summary>
public readonly struct MmaBf16 : IMmaFormat
{
    public static uint Pack(float lo, float hi) => Bf16.Pack(lo, hi);

    public static Float4 Mma(UInt4 a, UInt2 b, Float4 c) => TensorCore.MmaBf16(a, b, c);
}

/// <summary>IEEE half operands (cvt.rn.f16x2.f32, mma .f16).</summary>
public readonly struct MmaF16 : IMmaFormat
{
    public static uint Pack(float lo, float hi) => F16.Pack(lo, hi);

    public static Float4 Mma(UInt4 a, UInt2 b, Float4 c) => TensorCore.MmaF16(a, b, c);
}
