using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

[Collection(CudaCollection.Name)]
public sealed class CudaContextTests(CudaContextFixture fixture)
{
    [CudaFact]
    public void PrivateContext_StaysAlive_UntilItsLastBufferIsDisposed()
    {
        var device = fixture.Current().Device;
        var context = CudaContext.Create(device);
        var buffer = DeviceBuffer<int>.Allocate(context, 16);

        // The buffer holds a reference on the context, so disposing the context first must not free it.
        context.Dispose();
        buffer.CopyFrom([1, 2, 3]);
        var back = new int[3];
        buffer.CopyTo(back);
        buffer.Dispose();

        Assert.Equal([1, 2, 3], back);
        fixture.Current();
    }

    [CudaFact]
    public void MakeCurrent_Throws_WhenContextWasDisposed()
    {
        var device = fixture.Current().Device;
        var context = CudaContext.Create(device);
        context.Dispose();

        Assert.Throws<ObjectDisposedException>(context.MakeCurrent);
        fixture.Current();
    }

    [CudaFact]
    public void PrimaryContextsOfOneDevice_ShareMemory()
    {
        var shared = fixture.Current();
        using var second = CudaContext.CreatePrimary(shared.Device);
        using var buffer = DeviceBuffer<int>.Allocate(shared, 4);
        buffer.CopyFrom([4, 3, 2, 1]);

        // Retaining the primary context again yields the same context, so memory made in one is valid in the other.
        second.MakeCurrent();
        var back = new int[4];
        buffer.CopyTo(back);

        Assert.Equal([4, 3, 2, 1], back);
    }

    [CudaFact]
    public void Synchronize_Succeeds_WhenNoWorkIsQueued()
    {
        var context = fixture.Current();

        context.Synchronize();

        Assert.True(context.GetMemoryInfo().TotalBytes > 0);
    }
}
