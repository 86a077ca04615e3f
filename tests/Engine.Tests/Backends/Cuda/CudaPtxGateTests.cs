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
        // the row ops, GEMV, KV-cache ops, naive attention and LoRA of the backend's own part (other parts add theirs)
        Assert.True(names.Count >= 21, $"{names.Count} kernels catalogued");
        Assert.Contains(names, n => n.Contains(nameof(Engine.Backends.Cuda.NaivePagedAttention), StringComparison.Ordinal));
    }
}
