using Engine.Backends.Cuda.Gemm;
using Kernels.Ptx;

namespace Engine.Backends.Cuda;

/// <summary>The gemm kernels' part of the PTX gate's list (see <see cref="CudaKernelCatalog"/>): both 16-bit formats at every block height.</summary>
public static partial class CudaKernelCatalog
{
    private static CatalogKernel[] GemmKernels =>
    [
        .. from format in new[] { typeof(MmaBf16), typeof(MmaF16) }
           from mTiles in new[] { typeof(MTiles1), typeof(MTiles2), typeof(MTiles4) }
           select new CatalogKernel(KernelCatalog.Method(typeof(TensorCoreGemm), nameof(TensorCoreGemm.Kernel), format, mTiles)),
    ];
}
