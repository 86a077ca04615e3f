using Kernels.Ptx;

namespace Engine.Backends.Cuda;

/// <summary>
/// Every kernel instantiation of the CUDA backend, for the PTX gate (Engine.Tests' <c>CudaPtxGateTests</c>
/// compiles each for sm_80 and sm_90 and runs ptxas). Kernels' own <see cref="KernelCatalog"/> is a fixed list
/// inside that project, which must not know Engine, so the backend keeps its list here. None may use a stack frame.
/// Each area (row ops and GEMV, attention, GEMM, sampling, LoRA) lists its kernels in its own part of this class,
/// so the areas grow without touching one list; the parts are properties, not fields, because the order in which
/// partial-class field initialisers run across files is unspecified.
/// </summary>
public static partial class CudaKernelCatalog
{
    public static IReadOnlyList<CatalogKernel> All { get; } =
        [.. RowKernels, .. AttentionKernels, .. GemmKernels, .. PenaltyKernels, .. SelectionKernels, .. LoraKernels];

    private static CatalogKernel[] RowKernels =>
    [
        new(KernelCatalog.Method(typeof(EmbeddingGather), nameof(EmbeddingGather.F32))),
        new(KernelCatalog.Method(typeof(EmbeddingGather), nameof(EmbeddingGather.Bf16))),
        new(KernelCatalog.Method(typeof(EmbeddingGather), nameof(EmbeddingGather.F16))),
        new(KernelCatalog.Method(typeof(RmsNorm), nameof(RmsNorm.Kernel))),
        new(KernelCatalog.Method(typeof(AddRmsNorm), nameof(AddRmsNorm.Kernel))),
        new(KernelCatalog.Method(typeof(SwiGlu), nameof(SwiGlu.Kernel))),
        new(KernelCatalog.Method(typeof(RotateHalfRope), nameof(RotateHalfRope.Kernel))),
        new(KernelCatalog.Method(typeof(Gemv), nameof(Gemv.F32))),
        new(KernelCatalog.Method(typeof(Gemv), nameof(Gemv.HalfWidth), typeof(Bf16Format))),
        new(KernelCatalog.Method(typeof(Gemv), nameof(Gemv.HalfWidth), typeof(F16Format))),
        new(KernelCatalog.Method(typeof(StoreKv), nameof(StoreKv.Kernel), typeof(float), typeof(F32Kv))),
        new(KernelCatalog.Method(typeof(StoreKv), nameof(StoreKv.Kernel), typeof(ushort), typeof(Bf16Kv))),
        new(KernelCatalog.Method(typeof(StoreKv), nameof(StoreKv.Kernel), typeof(ushort), typeof(F16Kv))),
        new(KernelCatalog.Method(typeof(CopyBlock), nameof(CopyBlock.Kernel), typeof(float))),
        new(KernelCatalog.Method(typeof(CopyBlock), nameof(CopyBlock.Kernel), typeof(ushort))),
        new(KernelCatalog.Method(typeof(GatherLogitRows), nameof(GatherLogitRows.Kernel))),
        new(KernelCatalog.Method(typeof(NaivePagedAttention), nameof(NaivePagedAttention.Kernel), typeof(float), typeof(F32Kv))),
        new(KernelCatalog.Method(typeof(NaivePagedAttention), nameof(NaivePagedAttention.Kernel), typeof(ushort), typeof(Bf16Kv))),
        new(KernelCatalog.Method(typeof(NaivePagedAttention), nameof(NaivePagedAttention.Kernel), typeof(ushort), typeof(F16Kv))),
    ];
}
