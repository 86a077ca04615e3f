using System.Runtime.InteropServices;
using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

public sealed class CudaDriverTests
{
    [Fact]
    public void TryLoad_ReturnsFalseNamingTheLibrary_WhenNoCandidateExists()
    {
        var found = CudaLibrary.TryLoad(["libcuda-absent-for-test.so.1"], out var handle, out var reason);

        Assert.False(found);
        Assert.Equal(0, handle);
        Assert.Equal("libcuda-absent-for-test.so.1 not found", reason);
    }

    [Fact]
    public void TryLoad_NamesEveryCandidate_WhenNoneExists()
    {
        var found = CudaLibrary.TryLoad(["libcuda-absent-a.so.1", "libcuda-absent-b.so"], out _, out var reason);

        Assert.False(found);
        Assert.Equal("libcuda-absent-a.so.1 not found (also tried libcuda-absent-b.so)", reason);
    }

    [Fact]
    public void Candidates_PreferTheVersionedDriverName_OnLinux()
    {
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(["libcuda.so.1", "libcuda.so"], CudaLibrary.Candidates);
        }
    }

    [Fact]
    public void TryInitialize_ReasonFollowsFromTheMachine_AndNeverThrows()
    {
        // Whatever this machine has, the outcome must follow from it, and asking must never throw.
        var libraryPresent = CudaLibrary.Candidates.Any(name =>
        {
            if (!NativeLibrary.TryLoad(name, out var h))
            {
                return false;
            }
            NativeLibrary.Free(h);
            return true;
        });

        var ready = CudaDriver.TryInitialize(out var reason);

        if (!libraryPresent)
        {
            Assert.False(ready);
            Assert.StartsWith(CudaLibrary.Candidates[0] + " not found", reason, StringComparison.Ordinal);
        }
        else if (!ready)
        {
            Assert.False(string.IsNullOrWhiteSpace(reason));
        }
        else
        {
            Assert.Equal("", reason);
        }
    }

    [Fact]
    public void TryInitialize_ReturnsTheSameOutcome_WhenAskedAgain()
    {
        var first = CudaDriver.TryInitialize(out var firstReason);
        var second = CudaDriver.TryInitialize(out var secondReason);

        Assert.Equal(first, second);
        Assert.Equal(firstReason, secondReason);
    }

    [Fact]
    public void AvailabilityAgreesWithDeviceCount()
    {
        var available = CudaDevice.IsAvailable;

        Assert.Equal(available, CudaDriver.DeviceCount > 0);
        if (!available)
        {
            var e = Assert.Throws<InvalidOperationException>(() => CudaDevice.Get(0));
            CudaDriver.TryInitialize(out var reason);
            Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        }
    }

    [CudaFact]
    public void DriverVersionIsACudaVersion_WhenDriverIsPresent()
    {
        // cuDriverGetVersion encodes 1000 * major + 10 * minor; every driver able to JIT sm_52 PTX 7.0 is >= 11.0.
        Assert.InRange(CudaDriver.Version, 11000, 99990);
        Assert.Equal(0, CudaDriver.Version % 10);
    }
}
