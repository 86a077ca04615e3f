using Engine.Backends.Cuda.Attention;
using Kernels.Ptx;

namespace Engine.Backends.Cuda;

/// <summary>The attention kernels' part of the PTX gate's list (see <see cref="CudaKernelCatalog"/>): every cache type at the models' head sizes.</summary>
public static partial class CudaKernelCatalog
{
    private static CatalogKernel[] AttentionKernels =>
    [
        .. AttentionInstances(typeof(DecodeAttention), nameof(DecodeAttention.Kernel)),
        new(KernelCatalog.Method(typeof(DecodeReduce), nameof(DecodeReduce.Kernel))),
        .. AttentionInstances(typeof(PrefillAttention), nameof(PrefillAttention.Kernel)),
    ];

    private static IEnumerable<CatalogKernel> AttentionInstances(Type kernel, string name) =>
        from format in new[] { typeof(Attention.F32Kv), typeof(Attention.Bf16Kv), typeof(Attention.F16Kv) }
        from headDim in new[] { typeof(AttentionHeadDim64), typeof(AttentionHeadDim96), typeof(AttentionHeadDim128) }
        select new CatalogKernel(KernelCatalog.Method(kernel, name, format, headDim));
}
