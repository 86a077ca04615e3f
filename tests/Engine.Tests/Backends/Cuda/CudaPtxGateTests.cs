using Engine.Backends.Cuda;
using Kernels.Ptx;
using Kernels.Tests;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// The PTX gate for the CUDA backend's kernels (Kernels.Tests' gate covers only Kernels' own catalogue): each
/// <see cref="CudaKernelCatalog"/> entry compiled offline for sm_80 and sm_90 must assemble with ptxas, spill
/// nothing and use no stack frame. ptxas comes from ENGINE_PTXAS (test.sh installs it); missing, the test fails.
/// </summary>
public sealed class CudaPtxGateTests
{
    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string>();
        foreach (var kernel in CudaKernelCatalog.All)
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
        var entry = CudaKernelCatalog.All.Single(k => k.Name == kernel);
        var ptx = PtxCompiler.Compile(entry.Method, PtxTarget.Parse(architecture)!);

        var (exitCode, output) = Ptxas.Assemble(ptx, architecture);

        Assert.True(exitCode == 0, $"ptxas -arch={architecture} rejected {kernel}:\n{output}\n--- PTX ---\n{ptx}");
        var report = Assert.Single(PtxasReport.Parse(output));
        Assert.True(report.SpillStoreBytes == 0 && report.SpillLoadBytes == 0, $"{kernel} spills on {architecture}:\n{output}");
        Assert.True(report.StackFrameBytes == 0, $"{kernel} has a {report.StackFrameBytes}-byte stack frame on {architecture}:\n{output}");
    }

    [Fact]
    public void Catalogue_NamesEveryKernelOnce()
    {
        var names = CudaKernelCatalog.All.Select(k => k.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(10, names.Count);
    }
}
