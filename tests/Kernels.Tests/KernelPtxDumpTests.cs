using Kernels.Ptx;

namespace Kernels.Tests;

public sealed class KernelPtxDumpTests
{
    [Fact]
    public void Write_PutsOnePtxFilePerCatalogKernel_ForTheTarget()
    {
        var dir = Directory.CreateTempSubdirectory("ptxdump");
        try
        {
            var paths = PtxDump.Write(dir.FullName, PtxTarget.Sm90);
            Assert.Equal(KernelCatalog.All.Count, paths.Distinct().Count());
            Assert.All(paths, p => Assert.Contains(".target sm_90", File.ReadAllText(p), StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
