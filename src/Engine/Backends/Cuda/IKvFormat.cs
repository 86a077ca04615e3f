using ILGPU;
using Kernels.Language;
using Half = ILGPU.Half;

namespace Engine.Backends.Cuda;

/// <summary>
/// An element type of the paged KV cache: float32 (tests, exact), bf16 or f16 (16-bit patterns in ushort storage).
/// A struct type argument, so each cache dtype is its own kernel instantiation and the conversion inlines.
/// </summary>
public interface IKvFormat<T>
    where T : unmanaged
{
    float Load(T stored);

    /// <summary>float → stored element, rounding to nearest even (as the CPU reference rounds).</summary>
    T Store(float value);
}

public readonly struct F32Kv : IKvFormat<float>
{
    public float Load(float stored) => stored;

    public float Store(float value) => value;
}

public readonly struct Bf16Kv : IKvFormat<ushort>
{
    public float Load(ushort stored) => default(Bf16Format).Widen(stored);

    public ushort Store(float value) => Bf16.FromFloat(value).Bits;
}

public readonly struct F16Kv : IKvFormat<ushort>
{
    public float Load(ushort stored) => default(F16Format).Widen(stored);

    public ushort Store(float value) => Interop.FloatAsInt(F16.FromFloat(value));
}
