using Engine.Backends.Cuda;
using Kernels.Tests;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// The PTX gate for the CUDA backend's kernels (Kernels.Tests' gate covers only Kernels' own catalogue): each
/// <see cref="CudaKernelCatalog"/> entry compiled offline for sm_80 and sm_90 must assemble with ptxas, spill
/// nothing and use no stack frame (none gives a reason for one). ptxas comes from ENGINE_PTXAS (test.sh installs it); missing, the test fails.
/// </summary>
public sealed class CudaPtxGateTests
{
    public static TheoryData<string, string> Kernels() => PtxGate.Cases(CudaKernelCatalog.All);

    [Theory]
    [MemberData(nameof(Kernels))]
    public void PtxAssembles_WithoutSpillsOrStackFrame(string kernel, string architecture) =>
        PtxGate.AssertPasses(CudaKernelCatalog.All.Single(k => k.Name == kernel), architecture);

    [Fact]
    public void Catalogue_NamesEveryKernelOnce()
    {
        var names = CudaKernelCatalog.All.Select(k => k.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        // rows and GEMV 10, backend ops (KV cache, gather, naive attention, LoRA) 11, penalties 7, selection 15,
        // attention 19 (decode and prefill x 3 cache types x head_dim 64/96/128, the reduction), the tensor-core
        // GEMM 6 (bf16 and f16 x 1, 2 and 4 m tiles per warp)
        Assert.Equal(10 + 11 + 7 + 15 + 19 + 6, names.Count);
        Assert.Contains(names, n => n.Contains(nameof(Engine.Backends.Cuda.NaivePagedAttention), StringComparison.Ordinal));
    }
}
