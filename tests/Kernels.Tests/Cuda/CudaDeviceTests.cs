using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

public sealed class CudaDeviceTests
{
    [Fact]
    public void PtxTargetSpellsTheSmVersion()
    {
        Assert.Equal("sm_90", new ComputeCapability(9, 0).PtxTarget);
        Assert.Equal("sm_86", new ComputeCapability(8, 6).PtxTarget);
        Assert.Equal("8.6", new ComputeCapability(8, 6).ToString());
    }

    [Fact]
    public void ComputeCapabilityOrdersByMajorThenMinor()
    {
        Assert.True(new ComputeCapability(8, 9) < new ComputeCapability(9, 0));
        Assert.True(new ComputeCapability(8, 6) > new ComputeCapability(8, 0));
        Assert.True(new ComputeCapability(7, 5) <= new ComputeCapability(7, 5));
    }

    [CudaFact]
    public void Get_ReadsPropertiesEveryCudaGpuShares_WhenDeviceIsPresent()
    {
        var device = CudaDevice.Get(0);

        Assert.False(string.IsNullOrWhiteSpace(device.Name));
        Assert.Equal(32, device.WarpSize);
        Assert.True(device.ComputeCapability >= new ComputeCapability(5, 0));
        Assert.True(device.MultiprocessorCount > 0);
        Assert.True(device.TotalMemoryBytes > 0);
        Assert.Equal(1024, device.MaxThreadsPerBlock);
        Assert.Equal(48 * 1024, device.MaxSharedMemoryPerBlock);
        Assert.True(device.MaxSharedMemoryPerBlockOptin >= device.MaxSharedMemoryPerBlock);
        Assert.True(device.MemoryBusWidthBits > 0);
        Assert.True(device.PeakMemoryBandwidthGBps > 0);
    }

    [CudaFact]
    public void Get_Throws_WhenOrdinalIsPastTheLastDevice()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CudaDevice.Get(CudaDriver.DeviceCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => CudaDevice.Get(-1));
    }
}
