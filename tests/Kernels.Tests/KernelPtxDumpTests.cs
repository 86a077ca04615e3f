using Kernels.SelfTest;

namespace Kernels.Tests;

public sealed class KernelPtxDumpTests
{
    [Fact]
    public void Write_PutsOnePtxFilePerCatalogKernel()
    {
        var dir = Directory.CreateTempSubdirectory("ptxdump");
        try
        {
            var paths = KernelPtxDump.Write(dir.FullName, Ptx.PtxTarget.Sm90);
            Assert.Equal(KernelCatalog.All.Count, paths.Count);
            Assert.All(paths, p => Assert.Contains(".target sm_90", File.ReadAllText(p), StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
