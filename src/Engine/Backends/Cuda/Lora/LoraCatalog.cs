using Engine.Backends.Cuda.Lora;
using Kernels.Ptx;

namespace Engine.Backends.Cuda;

/// <summary>The lora kernels' part of the PTX gate's list (see <see cref="CudaKernelCatalog"/>).</summary>
public static partial class CudaKernelCatalog
{
    private static CatalogKernel[] LoraKernels =>
    [
        new(KernelCatalog.Method(typeof(SgmvShrink), nameof(SgmvShrink.Kernel))),
        new(KernelCatalog.Method(typeof(SgmvExpand), nameof(SgmvExpand.Kernel))),
    ];
}
