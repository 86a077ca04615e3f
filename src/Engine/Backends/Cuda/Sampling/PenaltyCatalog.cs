using Kernels.Ptx;

namespace Engine.Backends.Cuda;

/// <summary>The sampling penalty kernels' part of the PTX gate's list (see <see cref="CudaKernelCatalog"/>).</summary>
public static partial class CudaKernelCatalog
{
    private static CatalogKernel[] PenaltyKernels => [];
}
