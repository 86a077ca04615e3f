using ILGPU;
using Kernels.Language;

namespace Engine.Backends.Cuda;

/// <summary>A 16-bit weight format the GEMV widens to float32 (a struct type argument, so each format is its own kernel).</summary>
public interface IHalfFormat
{
    float Widen(ushort bits);
}

/// <summary>bfloat16: the bits become the top half of a float (exact).</summary>
public readonly struct Bf16Format : IHalfFormat
{
    public float Widen(ushort bits) => Bf16.ToFloat(new BFloat16(bits));
}

/// <summary>IEEE half: ILGPU's Half widened by cvt.f32.f16 on CUDA (exact).</summary>
public readonly struct F16Format : IHalfFormat
{
    public float Widen(ushort bits) => (float)Interop.IntAsFloat(bits);
}
