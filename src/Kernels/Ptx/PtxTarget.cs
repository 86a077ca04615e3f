using ILGPU.Runtime.Cuda;

namespace Kernels.Ptx;

/// <summary>
/// A PTX target: the SM the code is for and the pinned PTX ISA (7.8, the newest CUDA 11.8's ptxas and every
/// sm_80/sm_90 driver accept). <see cref="Architecture"/> is the string ptxas and the <c>.target</c> line use.
/// </summary>
public sealed record PtxTarget(string Architecture, CudaArchitecture Sm, CudaInstructionSet Isa)
{
    public static PtxTarget Sm80 { get; } = new("sm_80", CudaArchitecture.SM_80, CudaInstructionSet.ISA_78);

    public static PtxTarget Sm90 { get; } = new("sm_90", CudaArchitecture.SM_90, CudaInstructionSet.ISA_78);

    public static IReadOnlyList<PtxTarget> All { get; } = [Sm80, Sm90];

    /// <summary>The target named <paramref name="architecture"/> ("sm_80" or "sm_90"), or null.</summary>
    public static PtxTarget? Parse(string architecture) => All.FirstOrDefault(t => t.Architecture == architecture);
}
