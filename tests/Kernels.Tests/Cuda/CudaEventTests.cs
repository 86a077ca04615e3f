using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

[Collection(CudaCollection.Name)]
public sealed class CudaEventTests(CudaContextFixture fixture)
{
    [CudaFact]
    public void ElapsedMilliseconds_IsFiniteAndNonNegative_AroundQueuedWork()
    {
        var context = fixture.Current();
        using var stream = CudaStream.Create(context);
        using var start = CudaEvent.Create(context);
        using var end = CudaEvent.Create(context);
        using var source = DeviceBuffer<byte>.Allocate(context, 64L << 20);
        using var destination = DeviceBuffer<byte>.Allocate(context, 64L << 20);

        start.Record(stream);
        destination.CopyFromAsync(source, stream);
        end.Record(stream);
        end.Synchronize();
        var ms = CudaEvent.ElapsedMilliseconds(start, end);

        Assert.True(float.IsFinite(ms) && ms >= 0, $"elapsed {ms} ms");
    }

    [CudaFact]
    public void ElapsedMilliseconds_Throws_WhenEventHasTimingDisabled()
    {
        var context = fixture.Current();
        using var start = CudaEvent.Create(context, timing: false);
        using var end = CudaEvent.Create(context, timing: false);
        start.Record();
        end.Record();
        end.Synchronize();

        var e = Assert.Throws<CudaException>(() => CudaEvent.ElapsedMilliseconds(start, end));

        Assert.Equal(CuResult.ErrorInvalidHandle, e.Result);
    }

    [CudaFact]
    public void StreamWait_MakesTheSecondStreamSeeTheFirstStreamsWrite()
    {
        var context = fixture.Current();
        using var producer = CudaStream.Create(context);
        using var consumer = CudaStream.Create(context);
        using var written = CudaEvent.Create(context, timing: false);
        using var x = DeviceBuffer<int>.Allocate(context, 1 << 20);
        using var y = DeviceBuffer<int>.Allocate(context, 1 << 20);
        using var download = PinnedHostBuffer<int>.Allocate(context, 1 << 20);

        x.Fill32Async(7, producer);
        written.Record(producer);
        consumer.Wait(written);
        y.CopyFromAsync(x, consumer);
        y.CopyToAsync(download, consumer);
        consumer.Synchronize();

        Assert.All(download.Span.ToArray(), v => Assert.Equal(7, v));
        Assert.True(consumer.IsComplete);
        Assert.True(written.IsComplete);
    }
}
