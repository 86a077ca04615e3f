using Engine.Backends.Cuda.Sampling.Selection;
using Kernels.Ptx;

namespace Engine.Backends.Cuda;

/// <summary>The sampling selection kernels' part of the PTX gate's list (see <see cref="CudaKernelCatalog"/>).</summary>
public static partial class CudaKernelCatalog
{
    private static CatalogKernel[] SelectionKernels =>
    [
        new(KernelCatalog.Method(typeof(TemperatureKernel), nameof(TemperatureKernel.Kernel))),
        new(KernelCatalog.Method(typeof(TopKTopPKernel), nameof(TopKTopPKernel.Kernel))),
        new(KernelCatalog.Method(typeof(ProbabilityFloorKernel), nameof(ProbabilityFloorKernel.Kernel), typeof(ProbabilityFloorKernel.TopAStage))),
        new(KernelCatalog.Method(typeof(ProbabilityFloorKernel), nameof(ProbabilityFloorKernel.Kernel), typeof(ProbabilityFloorKernel.MinPStage))),
        new(KernelCatalog.Method(typeof(ProbabilityFloorKernel), nameof(ProbabilityFloorKernel.Kernel), typeof(ProbabilityFloorKernel.EtaStage))),
        new(KernelCatalog.Method(typeof(ProbabilityFloorKernel), nameof(ProbabilityFloorKernel.Kernel), typeof(ProbabilityFloorKernel.EpsilonStage))),
        new(KernelCatalog.Method(typeof(TopNSigmaKernel), nameof(TopNSigmaKernel.Kernel))),
        new(KernelCatalog.Method(typeof(QuadraticKernel), nameof(QuadraticKernel.Kernel))),
        new(KernelCatalog.Method(typeof(XtcKernel), nameof(XtcKernel.Kernel))),
        new(KernelCatalog.Method(typeof(TypicalPKernel), nameof(TypicalPKernel.Kernel))),
        new(KernelCatalog.Method(typeof(TailFreeKernel), nameof(TailFreeKernel.Kernel))),
        new(KernelCatalog.Method(typeof(SkewKernel), nameof(SkewKernel.Kernel))),
        new(KernelCatalog.Method(typeof(MirostatKernel), nameof(MirostatKernel.Kernel))),
        new(KernelCatalog.Method(typeof(DrawKernel), nameof(DrawKernel.Kernel))),
        new(KernelCatalog.Method(typeof(TopLogprobsKernel), nameof(TopLogprobsKernel.Kernel))),
    ];
}
