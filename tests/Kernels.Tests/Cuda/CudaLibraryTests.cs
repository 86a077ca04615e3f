using Kernels.Cuda;

namespace Kernels.Tests.Cuda;

public sealed class CudaLibraryTests
{
    [Fact]
    public void Candidates_TryTheVersionedDriverNameFirst_OnLinux()
    {
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(["libcuda.so.1", "libcuda.so"], CudaLibrary.Candidates);
        }
    }

    [Fact]
    public void TryLoad_NamesEveryCandidateTried_WhenNoneLoads()
    {
        Assert.False(CudaLibrary.TryLoad(["libengine-missing-a.so.1", "libengine-missing-b.so"], out var handle, out var reason));
        Assert.Equal(0, handle);
        Assert.Equal("libengine-missing-a.so.1 not found (also tried libengine-missing-b.so)", reason);
    }

    [Fact]
    public void TryLoad_TakesTheFirstThatLoads()
    {
        // libc is on every Linux machine: it stands in for a driver that loads.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        Assert.True(CudaLibrary.TryLoad(["libengine-missing.so", "libc.so.6"], out var handle, out var reason));
        Assert.NotEqual(0, handle);
        Assert.Equal("", reason);
    }
}
