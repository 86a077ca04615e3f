using Kernels.Language;

namespace Engine.Backends.Cuda.Gemm;

/// <summary>
/// The next k slice of <see cref="TensorCoreGemm"/> in flight in one thread's registers: up to two 8-element
/// chunks of x still in float32 (rounded only when stored, so the loads' latency is hidden behind the current
/// slice's mma work) and two 8-element chunks of W. Named fields, so they stay in registers.
/// </summary>
internal struct StageRegisters
{
    public Float4 A0Low;
    public Float4 A0High;
    public Float4 A1Low;
    public Float4 A1High;
    public UInt4 B0;
    public UInt4 B1;
}
