using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

[Collection(CudaCollection.Name)]
public sealed class DeviceBufferTests(CudaContextFixture fixture)
{
    public static TheoryData<int> Lengths() => [1, 3, 32, 1000, (1 << 20) + 3];

    [CudaTheory]
    [MemberData(nameof(Lengths))]
    public void CopyFromThenCopyTo_ReturnsTheSameValues(int length)
    {
        var context = fixture.Current();
        var source = RandomFloats(length, seed: length);
        var back = new float[length];

        using var buffer = DeviceBuffer<float>.Allocate(context, length);
        buffer.CopyFrom(source);
        buffer.CopyTo(back);

        Assert.Equal(source, back);
        Assert.Equal(length * sizeof(float), buffer.SizeInBytes);
    }

    [CudaFact]
    public void CopyWithOffset_WritesOnlyThatRange()
    {
        var context = fixture.Current();
        using var buffer = DeviceBuffer<int>.Allocate(context, 10);
        buffer.Clear();

        buffer.CopyFrom([7, 8, 9], offset: 4);
        var back = new int[10];
        buffer.CopyTo(back);

        Assert.Equal([0, 0, 0, 0, 7, 8, 9, 0, 0, 0], back);
        var middle = new int[2];
        buffer.CopyTo(middle, offset: 5);
        Assert.Equal([8, 9], middle);
    }

    [CudaFact]
    public void Copy_Throws_WhenRangeRunsPastTheEnd()
    {
        var context = fixture.Current();
        using var buffer = DeviceBuffer<int>.Allocate(context, 4);

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.CopyFrom([1, 2, 3], offset: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.CopyTo(new int[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.CopyFrom([1], offset: -1));
    }

    [CudaFact]
    public void ClearAndFill32_SetEveryElement()
    {
        var context = fixture.Current();
        using var buffer = DeviceBuffer<float>.Allocate(context, 1001);
        var back = new float[1001];

        buffer.Fill32(BitConverter.SingleToUInt32Bits(1.5f));
        buffer.CopyTo(back);
        Assert.All(back, v => Assert.Equal(1.5f, v));

        buffer.Clear();
        buffer.CopyTo(back);
        Assert.All(back, v => Assert.Equal(0f, v));
    }

    [CudaFact]
    public void AsyncRoundTripThroughPinnedMemory_ReturnsTheSameValues()
    {
        var context = fixture.Current();
        const int length = 4096 + 5;
        var expected = RandomFloats(length, seed: 11);
        using var stream = CudaStream.Create(context);
        using var upload = PinnedHostBuffer<float>.Allocate(context, length);
        using var download = PinnedHostBuffer<float>.Allocate(context, length);
        using var first = DeviceBuffer<float>.Allocate(context, length);
        using var second = DeviceBuffer<float>.Allocate(context, length);
        expected.CopyTo(upload.Span);
        download.Span.Clear();

        first.CopyFromAsync(upload, stream);
        second.CopyFromAsync(first, stream);
        second.CopyToAsync(download, stream);
        stream.Synchronize();

        Assert.Equal(expected, download.Span.ToArray());
    }

    [CudaFact]
    public void AsyncFillAndClear_AreOrderedOnTheirStream()
    {
        var context = fixture.Current();
        using var stream = CudaStream.Create(context);
        using var buffer = DeviceBuffer<int>.Allocate(context, 4099);
        using var download = PinnedHostBuffer<int>.Allocate(context, 4099);

        buffer.Fill32Async(5, stream);
        buffer.CopyToAsync(download, stream);
        stream.Synchronize();
        Assert.All(download.Span.ToArray(), v => Assert.Equal(5, v));

        buffer.ClearAsync(stream);
        buffer.CopyToAsync(download, stream);
        stream.Synchronize();
        Assert.All(download.Span.ToArray(), v => Assert.Equal(0, v));
    }

    [CudaFact]
    public void Fill32_Throws_WhenSizeIsNotWholeWords()
    {
        var context = fixture.Current();
        using var buffer = DeviceBuffer<byte>.Allocate(context, 6);

        Assert.Throws<InvalidOperationException>(() => buffer.Fill32(1));
    }

    [CudaFact]
    public void DeviceToDeviceCopy_CopiesTheSourceLength()
    {
        var context = fixture.Current();
        using var source = DeviceBuffer<int>.Allocate(context, 3);
        using var destination = DeviceBuffer<int>.Allocate(context, 5);
        source.CopyFrom([1, 2, 3]);
        destination.Fill32(unchecked((uint)-1));

        destination.CopyFrom(source);
        var back = new int[5];
        destination.CopyTo(back);

        Assert.Equal([1, 2, 3, -1, -1], back);
    }

    [CudaFact]
    public void Allocate_ThrowsOutOfMemoryNamingTheCall_WhenRequestExceedsTheDevice()
    {
        var context = fixture.Current();
        var tooMany = (context.Device.TotalMemoryBytes * 2) + 1;

        var e = Assert.Throws<CudaException>(() => DeviceBuffer<byte>.Allocate(context, tooMany));

        Assert.Equal(CuResult.ErrorOutOfMemory, e.Result);
        Assert.Equal("cuMemAlloc_v2", e.Call);
        Assert.Contains("CUDA_ERROR_OUT_OF_MEMORY", e.Message, StringComparison.Ordinal);
    }

    [CudaFact]
    public void MemoryInfo_ShowsAnAllocation()
    {
        var context = fixture.Current();
        var before = context.GetMemoryInfo();
        const long bytes = 256L << 20;

        using (var buffer = DeviceBuffer<byte>.Allocate(context, bytes))
        {
            var during = context.GetMemoryInfo();
            // The driver rounds allocations up to its page size (2 MiB), so free memory drops by at least the request.
            Assert.True(before.FreeBytes - during.FreeBytes >= bytes, $"free went {before.FreeBytes} -> {during.FreeBytes}");
            Assert.Equal(before.TotalBytes, during.TotalBytes);
        }
    }

    private static float[] RandomFloats(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }
        return values;
    }
}
