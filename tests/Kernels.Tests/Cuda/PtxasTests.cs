using Xunit;

namespace Kernels.Tests.Cuda;

/// <summary>
/// The hand-written PTX the GPU tests and the bandwidth bench load must assemble: checked offline with ptxas
/// (CUDA 11.8) here, since most machines that run the suite have no GPU to JIT it.
/// </summary>
public sealed class PtxasTests
{
    public static TheoryData<string, string> Kernels() => new()
    {
        { "vector_add", "sm_52" },
        { "vector_add", "sm_90" },
        { "copy_v4", "sm_52" },
        { "copy_v4", "sm_90" },
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void HandWrittenPtxAssembles(string kernel, string arch)
    {
        var ptx = kernel == "copy_v4" ? BandwidthCopyPtx.Text : TestPtx.VectorAdd;

        var (exitCode, output) = Ptxas.Assemble(ptx, arch);

        Assert.True(exitCode == 0, $"ptxas rejected {kernel} for {arch}:\n{output}");
    }

    [Fact]
    public void PtxasRejectsUndeclaredRegister_SoTheGateCanFail()
    {
        var (exitCode, output) = Ptxas.Assemble(TestPtx.UndeclaredRegister, "sm_52");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("%r9", output, StringComparison.Ordinal);
    }
}
