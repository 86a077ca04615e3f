using Kernels.Ptx;

namespace Kernels.Tests;

/// <summary>
/// The PTX gate's one check, shared by every catalogue (Kernels' own here, the CUDA backend's in Engine.Tests):
/// a kernel instantiation compiled offline by ILGPU for a target at the pinned ISA must assemble with ptxas, spill
/// nothing, and use no local-memory stack frame unless its catalogue entry gives a reason.
/// </summary>
public static class PtxGate
{
    /// <summary>One (kernel name, architecture) case per catalogue entry and PTX target.</summary>
    public static TheoryData<string, string> Cases(IEnumerable<CatalogKernel> catalogue)
    {
        var data = new TheoryData<string, string>();
        foreach (var kernel in catalogue)
        {
            foreach (var target in PtxTarget.All)
            {
                data.Add(kernel.Name, target.Architecture);
            }
        }
        return data;
    }

    public static void AssertPasses(CatalogKernel entry, string architecture)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var ptx = PtxCompiler.Compile(entry.Method, PtxTarget.Parse(architecture)!);
        Assert.Contains($".target {architecture}", ptx, StringComparison.Ordinal);
        Assert.Contains(".version 7.8", ptx, StringComparison.Ordinal);

        var (exitCode, output) = Ptxas.Assemble(ptx, architecture);

        Assert.True(exitCode == 0, $"ptxas -arch={architecture} rejected {entry.Name}:\n{output}\n--- PTX ---\n{ptx}");
        var report = Assert.Single(PtxasReport.Parse(output));
        Assert.True(report.SpillStoreBytes == 0 && report.SpillLoadBytes == 0, $"{entry.Name} spills on {architecture}:\n{output}");
        if (entry.StackFrameAllowed is null)
        {
            Assert.True(report.StackFrameBytes == 0, $"{entry.Name} has a {report.StackFrameBytes}-byte stack frame on {architecture}:\n{output}");
        }
    }
}
