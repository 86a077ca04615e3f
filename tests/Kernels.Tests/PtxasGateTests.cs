using Kernels.Ptx;

namespace Kernels.Tests;

/// <summary>
/// The PTX gate: every catalogued kernel instantiation, compiled offline by ILGPU for sm_80 and sm_90 at the
/// pinned ISA, must assemble with ptxas, spill nothing, and (unless the catalogue gives a reason) use no
/// local-memory stack frame.
/// </summary>
public sealed class PtxasGateTests
{
    public static TheoryData<string, string> Kernels() => PtxGate.Cases(KernelCatalog.All);

    [Theory]
    [MemberData(nameof(Kernels))]
    public void PtxAssembles_WithoutSpillsOrStackFrame(string kernel, string architecture) =>
        PtxGate.AssertPasses(KernelCatalog.All.Single(k => k.Name == kernel), architecture);

    [Fact]
    public void ReportParser_ReadsStackAndSpills_FromPtxasVerboseOutput()
    {
        const string output = """
            ptxas info    : 0 bytes gmem
            ptxas info    : Compiling entry function 'Kernel_Ld' for 'sm_80'
            ptxas info    : Function properties for Kernel_Ld
                88 bytes stack frame, 4 bytes spill stores, 8 bytes spill loads
            ptxas info    : Used 30 registers, 392 bytes cmem[0]
            """;

        var entry = Assert.Single(PtxasReport.Parse(output));

        Assert.Equal(new PtxasReport.Entry("Kernel_Ld", 88, 4, 8), entry);
    }
}
