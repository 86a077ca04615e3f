using Engine.Backends.Cuda.Sampling.Penalties;
using Kernels.Ptx;

namespace Engine.Backends.Cuda;

/// <summary>The sampling penalty kernels' part of the PTX gate's list (see <see cref="CudaKernelCatalog"/>).</summary>
public static partial class CudaKernelCatalog
{
    private static CatalogKernel[] PenaltyKernels =>
    [
        new(KernelCatalog.Method(typeof(TokenCounts), nameof(TokenCounts.CountPrompt))),
        new(KernelCatalog.Method(typeof(TokenCounts), nameof(TokenCounts.Append))),
        new(KernelCatalog.Method(typeof(LogitMask), nameof(LogitMask.Kernel))),
        new(KernelCatalog.Method(typeof(SparseConstraints), nameof(SparseConstraints.Kernel))),
        new(KernelCatalog.Method(typeof(RepetitionPenaltyKernel), nameof(RepetitionPenaltyKernel.Kernel))),
        new(KernelCatalog.Method(typeof(NoRepeatNgramKernel), nameof(NoRepeatNgramKernel.Kernel))),
        new(KernelCatalog.Method(typeof(DryKernel), nameof(DryKernel.Kernel))),
    ];
}
