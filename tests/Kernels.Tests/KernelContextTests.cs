using ILGPU.Runtime;
using Kernels.SelfTest;

namespace Kernels.Tests;

[Collection(AcceleratorCollection.Name)]
public sealed class KernelContextTests
{
    [Fact]
    public void CpuContext_SimulatesWarpsOf32_AndGroupsOf256()
    {
        var context = Backends.Get("cpu");

        Assert.False(context.IsCuda);
        Assert.Equal("cpu", context.Name);
        Assert.Equal(AcceleratorType.CPU, context.Accelerator.AcceleratorType);
        Assert.Equal(32, context.Accelerator.WarpSize);
        Assert.Equal(256, context.Accelerator.MaxNumThreadsPerGroup);
    }

    [Fact]
    public void Load_CompilesOnce_AndReturnsTheSameLauncher()
    {
        using var context = KernelContext.CreateCpu();

        var first = context.Load(VectorAdd.Entry);
        var second = context.Load(VectorAdd.Entry);
        context.Preload(VectorAdd.Entry.Method);

        Assert.Same(first, second);
        Assert.Equal(1, context.LoadedKernelCount);
    }

    [Fact]
    public void CreateCuda_ThrowsWithTheReason_OnlyWhenThereIsNoDevice()
    {
        if (Backends.CudaSkipReason is null)
        {
            using var cuda = KernelContext.Create(KernelDevice.Cuda);
            Assert.True(cuda.IsCuda);
            return;
        }
        var error = Assert.Throws<NotSupportedException>(() => KernelContext.Create(KernelDevice.Cuda));
        Assert.StartsWith("CUDA is not available: ", error.Message, StringComparison.Ordinal);
        using var auto = KernelContext.Create(KernelDevice.Auto);
        Assert.False(auto.IsCuda);
    }

    [Fact]
    public void SetMaxDynamicSharedMemory_IsANoOp_OnTheCpuAccelerator() =>
        Assert.False(Backends.Get("cpu").SetMaxDynamicSharedMemory(VectorAdd.Entry, 96 * 1024));
}
