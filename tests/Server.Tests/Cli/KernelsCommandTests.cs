using Engine.Backends.Cuda;
using Kernels.Ptx;
using Kernels.SelfTest;
using Kernels.Tests;
using Server.Cli;

namespace Server.Tests.Cli;

/// <summary><c>engine kernels</c>'s logic, run in-process.</summary>
public sealed class KernelsCommandTests
{
    [Fact]
    public void DumpPtx_WritesOnePtxPerCatalogKernel_ThatPtxasAccepts()
    {
        var folder = Directory.CreateTempSubdirectory("kernels-dump-");
        try
        {
            var output = new StringWriter();
            var exit = KernelsCommand.DumpPtx(folder.FullName, "sm_90", output, new StringWriter());

            Assert.Equal(0, exit);
            var files = Directory.GetFiles(folder.FullName, "*.ptx");
            // One file per kernel and specialisation, the kernel layer's and the CUDA backend's: entry names are
            // distinct per instantiation.
            Assert.Equal(KernelCatalog.All.Count + CudaKernelCatalog.All.Count, files.Length);
            Assert.Contains(files, f => Path.GetFileName(f).StartsWith("Gemv.", StringComparison.Ordinal));
            foreach (var file in files)
            {
                Assert.Contains(".target sm_90", File.ReadAllText(file), StringComparison.Ordinal);
                var (code, messages) = Kernels.Tests.Ptxas.AssembleFile(file, "sm_90", Path.ChangeExtension(file, ".cubin"));
                Assert.True(code == 0, $"ptxas rejected {Path.GetFileName(file)}:\n{messages}");
            }
            Assert.Contains($"{files.Length} kernels, sm_90", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void DumpPtx_Returns2AndWritesNothing_WhenTargetIsUnknown()
    {
        var folder = Path.Combine(Path.GetTempPath(), "kernels-dump-" + Guid.NewGuid().ToString("N"));
        var error = new StringWriter();

        Assert.Equal(2, KernelsCommand.DumpPtx(folder, "sm_75", new StringWriter(), error));
        Assert.Contains("sm_75", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void SelfTest_PassesEveryCaseWithExit0_OnTheCpu()
    {
        var output = new StringWriter();
        var exit = KernelsCommand.SelfTest("cpu", output, new StringWriter());

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exit == 0, output.ToString());
        Assert.StartsWith("device: cpu", lines[0], StringComparison.Ordinal);
        // One line per case, each naming it, then the summary.
        var caseLines = lines.Where(l => l.StartsWith("PASS", StringComparison.Ordinal) || l.StartsWith("FAIL", StringComparison.Ordinal)).ToList();
        Assert.Equal(KernelSelfTest.Cases.Select(c => c.Name), caseLines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]));
        Assert.All(caseLines, l => Assert.StartsWith("PASS", l, StringComparison.Ordinal));
        Assert.Equal($"{KernelSelfTest.Cases.Count}/{KernelSelfTest.Cases.Count} passed on cpu", lines[^1]);
    }

    [Fact]
    public void SelfTest_Returns2_WhenDeviceIsUnknown()
    {
        var error = new StringWriter();
        Assert.Equal(2, KernelsCommand.SelfTest("tpu", new StringWriter(), error));
        Assert.Contains("tpu", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_Returns2_WhenBothOrNeitherModeIsGiven()
    {
        Assert.Equal(2, EngineCli.Build().Parse(["kernels"]).Invoke());
        Assert.Equal(2, EngineCli.Build().Parse(["kernels", "--self-test", "--dump-ptx", "x"]).Invoke());
    }
}
