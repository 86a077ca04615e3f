using System.Text;
using Loader.Safetensors;

namespace Loader.Tests.Safetensors;

public sealed class SafetensorsWriterTests
{
    private static byte[] WriteToBytes(IEnumerable<(SafetensorsTensorInfo, ReadOnlyMemory<byte>)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.safetensors");
        SafetensorsWriter.WriteFile(path, tensors, metadata);
        return File.ReadAllBytes(path);
    }

    // Expected bytes are the ones Hugging Face's safetensors crate asserts in its own serialization tests.
    [Fact]
    public void MatchesHuggingFaceBytes_ForOneF32Tensor()
    {
        var data = RawSafetensors.Floats(0, 1, 2, 3, 4, 5);
        var bytes = WriteToBytes([(new SafetensorsTensorInfo("attn.0", SafetensorsDtype.F32, [1, 2, 3]), data)]);

        var expected = RawSafetensors.Build("""{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}""", data);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void PadsHeaderWithSpacesTo8Bytes_AsHuggingFaceDoes()
    {
        var data = RawSafetensors.Floats(0, 1, 2, 3, 4, 5);
        var bytes = WriteToBytes([(new SafetensorsTensorInfo("attn0", SafetensorsDtype.F32, [1, 1, 2, 3]), data)]);

        var expected = RawSafetensors.Build("""{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}""" + "       ", data);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void WritesMetadataFirst_ForEmptyFile()
    {
        var bytes = WriteToBytes([], new Dictionary<string, string> { ["framework"] = "pt" });

        Assert.Equal(RawSafetensors.Build("""{"__metadata__":{"framework":"pt"}}     """, []), bytes);
        Assert.Equal(RawSafetensors.Build("{}      ", []), WriteToBytes([]));
    }

    [Fact]
    public void SortsByDtypeAlignmentDescendingThenName()
    {
        var bytes = WriteToBytes(
        [
            (new SafetensorsTensorInfo("b", SafetensorsDtype.BF16, [1]), new byte[2]),
            (new SafetensorsTensorInfo("z", SafetensorsDtype.F32, [1]), new byte[4]),
            (new SafetensorsTensorInfo("a", SafetensorsDtype.BF16, [1]), new byte[2]),
            (new SafetensorsTensorInfo("m", SafetensorsDtype.I64, [1]), new byte[8]),
            (new SafetensorsTensorInfo("c", SafetensorsDtype.U8, [1]), new byte[1]),
        ]);

        var header = Encoding.UTF8.GetString(bytes, 8, bytes.Length - 8 - 17);
        var order = new[] { "\"m\"", "\"z\"", "\"a\"", "\"b\"", "\"c\"" }.Select(n => header.IndexOf(n, StringComparison.Ordinal)).ToArray();
        Assert.Equal(order.Order(), order);
        Assert.Contains("\"m\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}", header, StringComparison.Ordinal);
        Assert.Contains("\"c\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[16,17]}", header, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTrips_ThroughReader_WithChunkedOutOfOrderWrites()
    {
        using var dir = new TempDirectory();
        var path = dir.File("chunks.safetensors");
        var x = RawSafetensors.Floats(1, 2, 3, 4, 5, 6);
        var y = new byte[] { 9, 8, 7 };
        using (var writer = SafetensorsWriter.Create(path, [new("x", SafetensorsDtype.F32, [2, 3]), new("y", SafetensorsDtype.U8, [3])], new Dictionary<string, string> { ["k"] = "v" }))
        {
            writer.Write("y", 0, y);
            writer.Write("x", 12, x.AsSpan(12));
            writer.Write("x", 0, x.AsSpan(0, 12));
            writer.Complete();
        }

        using var file = SafetensorsFile.Open(path);
        Assert.Equal([1f, 2, 3, 4, 5, 6], file.GetTensor("x").ToFloat32Array());
        Assert.Equal(y, file.GetTensor("y").Bytes.ToArray());
        Assert.Equal("v", file.Metadata["k"]);
    }

    [Fact]
    public void Complete_Throws_AndFileIsDeleted_WhenATensorIsShort()
    {
        using var dir = new TempDirectory();
        var path = dir.File("short.safetensors");
        var writer = SafetensorsWriter.Create(path, [new("x", SafetensorsDtype.F32, [2])]);
        writer.Write("x", 0, new byte[4]);

        var error = Assert.Throws<SafetensorsFormatException>(writer.Complete);
        writer.Dispose();

        Assert.Equal("x", error.Tensor);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Create_Throws_WhenNameIsDuplicated()
    {
        using var dir = new TempDirectory();
        Assert.Throws<SafetensorsFormatException>(() =>
            SafetensorsWriter.Create(dir.File("dup.safetensors"), [new("x", SafetensorsDtype.F32, [1]), new("x", SafetensorsDtype.F16, [1])]));
    }

    [Fact]
    public void Write_Throws_WhenChunkPassesTensorEnd()
    {
        using var dir = new TempDirectory();
        using var writer = SafetensorsWriter.Create(dir.File("over.safetensors"), [new("x", SafetensorsDtype.F32, [1])]);
        Assert.Throws<SafetensorsFormatException>(() => writer.Write("x", 2, new byte[4]));
    }

    [Fact]
    public void RandomTensorSets_RoundTripThroughWriterAndReader()
    {
        var random = new Random(424242);
        var dtypes = Enum.GetValues<SafetensorsDtype>();
        using var dir = new TempDirectory();
        var path = dir.File("random.safetensors");
        for (var trial = 0; trial < 200; trial++)
        {
            var tensors = Enumerable.Range(0, random.Next(0, 6)).Select(i =>
            {
                var shape = Enumerable.Range(0, random.Next(0, 4)).Select(_ => (long)random.Next(0, 5)).ToArray();
                var info = new SafetensorsTensorInfo($"t{i}.{random.Next(100)}", dtypes[random.Next(dtypes.Length)], shape);
                var data = new byte[info.ByteLength];
                random.NextBytes(data);
                return (info, (ReadOnlyMemory<byte>)data);
            }).ToList();
            var metadata = random.Next(2) == 0 ? null : new Dictionary<string, string> { ["trial"] = trial.ToString(System.Globalization.CultureInfo.InvariantCulture), ["ü \"q\""] = "v\n" };

            SafetensorsWriter.WriteFile(path, tensors, metadata);

            using var file = SafetensorsFile.Open(path);
            Assert.Equal(tensors.Count, file.Tensors.Count);
            foreach (var (info, data) in tensors)
            {
                var read = file.GetTensor(info.Name);
                Assert.Equal(info.Dtype, read.Dtype);
                Assert.Equal(info.Shape, read.Shape);
                Assert.Equal(data.ToArray(), read.Bytes.ToArray());
            }
            Assert.Equal(metadata?.Count ?? 0, file.Metadata.Count);
            Assert.Equal(0, (new FileInfo(path).Length - file.Tensors.Sum(t => t.ByteLength)) % 8);
        }
    }
}
