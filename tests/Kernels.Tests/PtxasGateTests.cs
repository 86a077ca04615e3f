using Kernels.Ptx;

namespace Kernels.Tests;

/// <summary>
/// The PTX gate: every catalogued kernel instantiation, compiled offline by ILGPU for sm_80 and sm_90 at the
/// pinned ISA, must assemble with ptxas, spill nothing, and (unless the catalogue gives a reason) use no
/// local-memory stack frame.
/// </summary>
public sealed class PtxasGateTests
{
    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string>();
        foreach (var kernel in KernelCatalog.All)
        {
            foreach (var target in PtxTarget.All)
            {
                data.Add(kernel.Name, target.Architecture);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void PtxAssembles_WithoutSpillsOrStackFrame(string kernel, string architecture)
    {
        var entry = KernelCatalog.All.Single(k => k.Name == kernel);
        var ptx = PtxCompiler.Compile(entry.Method, PtxTarget.Parse(architecture)!);
        Assert.Contains($".target {architecture}", ptx, StringComparison.Ordinal);
        Assert.Contains(".version 7.8", ptx, StringComparison.Ordinal);

        var (exitCode, output) = Ptxas.Assemble(ptx, architecture);

        Assert.True(exitCode == 0, $"ptxas -arch={architecture} rejected {kernel}:\n{output}\n--- PTX ---\n{ptx}");
        var report = Assert.Single(PtxasReport.Parse(output));
        Assert.True(report.SpillStoreBytes == 0 && report.SpillLoadBytes == 0, $"{kernel} spills on {architecture}:\n{output}");
        if (entry.StackFrameAllowed is null)
        {
            Assert.True(report.StackFrameBytes == 0, $"{kernel} has a {report.StackFrameBytes}-byte stack frame on {architecture}:\n{output}");
        }
    }

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
