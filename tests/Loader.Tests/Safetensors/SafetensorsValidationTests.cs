using System.Buffers.Binary;
using System.Text;
using Loader.Safetensors;

namespace Loader.Tests.Safetensors;

public sealed class SafetensorsValidationTests
{
    private static SafetensorsFormatException OpenFails(byte[] bytes)
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, error.File);
        return error;
    }

    private static SafetensorsFormatException HeaderFails(string header, int dataBytes) =>
        OpenFails(RawSafetensors.Build(header, new byte[dataBytes]));

    [Fact]
    public void Throws_WhenFileIsShorterThanLengthPrefix()
    {
        var error = OpenFails([1, 2, 3]);
        Assert.Contains("shorter than the 8-byte", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenHeaderLengthExceedsFile()
    {
        var bytes = RawSafetensors.TwoTensorFile();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)bytes.Length);
        var error = OpenFails(bytes);
        Assert.Contains("exceeds the", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenHeaderLengthExceedsLimit()
    {
        var bytes = RawSafetensors.TwoTensorFile();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        var error = OpenFails(bytes);
        Assert.Contains("100000000-byte limit", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenHeaderIsNotJson() =>
        Assert.Contains("not valid JSON", HeaderFails("{\"a\": nope}", 0).Problem, StringComparison.Ordinal);

    [Fact]
    public void Throws_WhenHeaderIsNotAnObject() =>
        Assert.Contains("not an object", HeaderFails("[1, 2]", 0).Problem, StringComparison.Ordinal);

    [Fact]
    public void Throws_WhenHeaderHasTrailingGarbage() =>
        Assert.Contains("after its JSON", HeaderFails("{} x", 0).Problem, StringComparison.Ordinal);

    [Fact]
    public void Throws_WhenHeaderIsNotUtf8()
    {
        var header = Encoding.UTF8.GetBytes("""{"ab":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""");
        header[3] = 0xFF; // 'b' becomes a lone 0xFF, never valid in UTF-8

        OpenFails(RawSafetensors.Build(header, new byte[1]));
    }

    [Fact]
    public void Throws_WhenOffsetsRunPastDataSection()
    {
        var error = HeaderFails("""{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4);
        Assert.Equal("t", error.Tensor);
        Assert.Contains("run past", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenTensorsOverlap()
    {
        var error = HeaderFails("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12);
        Assert.Equal("b", error.Tensor);
        Assert.Contains("overlap", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenTensorsLeaveAGap() =>
        Assert.Contains("gap", HeaderFails("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8).Problem, StringComparison.Ordinal);

    [Fact]
    public void Throws_WhenDataSectionHasTrailingBytes() =>
        Assert.Contains("cover 4 bytes", HeaderFails("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8).Problem, StringComparison.Ordinal);

    [Fact]
    public void Throws_WhenByteCountDisagreesWithShapeAndDtype()
    {
        var error = HeaderFails("""{"a":{"dtype":"BF16","shape":[3],"data_offsets":[0,8]}}""", 8);
        Assert.Contains("needs 6", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenShapeProductOverflows()
    {
        var error = HeaderFails("""{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}""", 8);
        Assert.Contains("overflows", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenNameIsDuplicated()
    {
        var error = HeaderFails("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", 2);
        Assert.Equal("a", error.Tensor);
        Assert.Contains("twice", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"__metadata__":{"k":1}}""")]
    [InlineData("""{"__metadata__":["k"]}""")]
    public void Throws_WhenMetadataIsNotStringMap(string header) =>
        Assert.Contains("__metadata__", HeaderFails(header, 0).Problem, StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""")]
    [InlineData("""{"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}""")]
    public void Throws_WhenShapeEntryIsNotNonNegativeInteger(string header) =>
        Assert.Contains("not a non-negative integer", HeaderFails(header, 4).Problem, StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[1]}}""", "data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""", "data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", "non-negative")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "end before")]
    [InlineData("""{"a":{"shape":[1],"data_offsets":[0,4]}}""", "dtype")]
    [InlineData("""{"a":{"dtype":"Q4_K","shape":[1],"data_offsets":[0,4]}}""", "unknown dtype 'Q4_K'")]
    [InlineData("""{"a":{"dtype":"F32","data_offsets":[0,4]}}""", "shape")]
    [InlineData("""{"a":7}""", "not an object")]
    public void Throws_WhenEntryIsMalformed(string header, string expected)
    {
        var error = HeaderFails(header, 4);
        Assert.Equal("a", error.Tensor);
        Assert.Contains(expected, error.Problem, StringComparison.Ordinal);
    }
}
