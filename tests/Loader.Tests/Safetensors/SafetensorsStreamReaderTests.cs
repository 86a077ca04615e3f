using Loader.Safetensors;

namespace Loader.Tests.Safetensors;

public sealed class SafetensorsStreamReaderTests
{
    private sealed class RecordingSink : ISafetensorsChunkSink
    {
        public Dictionary<string, MemoryStream> Data { get; } = [];

        public List<string> Events { get; } = [];

        public void BeginTensor(SafetensorsTensorInfo tensor)
        {
            Events.Add("begin " + tensor.Name);
            Data[tensor.Name] = new MemoryStream();
        }

        public void WriteChunk(SafetensorsTensorInfo tensor, long offsetInTensor, ReadOnlySpan<byte> chunk)
        {
            // Chunks arrive in order, whole elements only.
            Assert.Equal(Data[tensor.Name].Length, offsetInTensor);
            Assert.Equal(0, chunk.Length % SafetensorsDtypes.SizeOf(tensor.Dtype));
            Data[tensor.Name].Write(chunk);
        }

        public void EndTensor(SafetensorsTensorInfo tensor) => Events.Add("end " + tensor.Name);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(4096)]
    public async Task DeliversEveryTensorsBytes_InOrder_ForAnyChunkSize(int chunkBytes)
    {
        using var dir = new TempDirectory();
        var path = dir.File("s.safetensors");
        var random = new Random(3);
        var big = new byte[3000 * 2];
        var small = new byte[7 * 8];
        random.NextBytes(big);
        random.NextBytes(small);
        SafetensorsWriter.WriteFile(path,
        [
            (new SafetensorsTensorInfo("big", SafetensorsDtype.BF16, [3000]), big),
            (new SafetensorsTensorInfo("small", SafetensorsDtype.I64, [7]), small),
            (new SafetensorsTensorInfo("empty", SafetensorsDtype.F32, [0]), Array.Empty<byte>()),
        ]);
        var sink = new RecordingSink();
        long lastProgress = 0;
        var progress = new SynchronousProgress(p => lastProgress = p);

        await SafetensorsStreamReader.ReadAsync(path, sink, progress, chunkBytes);

        // HF order: I64, then F32, then BF16 (alignment descending).
        Assert.Equal(["begin small", "end small", "begin empty", "end empty", "begin big", "end big"], sink.Events);
        Assert.Equal(big, sink.Data["big"].ToArray());
        Assert.Equal(small, sink.Data["small"].ToArray());
        Assert.Equal(big.Length + small.Length, lastProgress);
    }

    [Fact]
    public async Task Throws_FormatException_WhenHeaderIsInvalid()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[4]));

        await Assert.ThrowsAsync<SafetensorsFormatException>(() => SafetensorsStreamReader.ReadAsync(path, new RecordingSink()));
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
