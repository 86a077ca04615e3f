using System.Buffers.Binary;
using Loader.Safetensors;

namespace Loader.Tests.Safetensors;

public sealed class SafetensorsFileTests
{
    [Fact]
    public void ReadsTensorsShapesAndMetadata_FromHandBuiltFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("two.safetensors");
        File.WriteAllBytes(path, RawSafetensors.TwoTensorFile());

        using var file = SafetensorsFile.Open(path);

        Assert.Equal(["a", "b"], file.Tensors.Select(t => t.Name));
        Assert.Equal("pt", file.Metadata["format"]);
        var a = file.GetTensor("a");
        Assert.Equal(SafetensorsDtype.F32, a.Dtype);
        Assert.Equal([2L, 2L], a.Shape);
        Assert.Equal([1f, 2f, 3f, 4f], a.AsSpan<float>().ToArray());
        var b = file.GetTensor("b");
        Assert.Equal(SafetensorsDtype.I32, b.Dtype);
        Assert.Equal(12, b.Bytes.Length);
        Assert.Equal(8, BinaryPrimitives.ReadInt32LittleEndian(b.Bytes[4..]));
        Assert.Equal([7f, 8f, 9f], b.ToFloat32Array());
    }

    [Fact]
    public void TryGetTensor_ReturnsFalse_WhenNameIsAbsent()
    {
        using var dir = new TempDirectory();
        var path = dir.File("two.safetensors");
        File.WriteAllBytes(path, RawSafetensors.TwoTensorFile());
        using var file = SafetensorsFile.Open(path);

        Assert.False(file.TryGetTensor("c", out _));
        var error = Assert.Throws<SafetensorsFormatException>(() => file.GetTensor("c"));
        Assert.Contains("'c'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsScalarAndEmptyTensors()
    {
        using var dir = new TempDirectory();
        var path = dir.File("edge.safetensors");
        var header = """{"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"z":{"dtype":"F16","shape":[0,5],"data_offsets":[4,4]}}""";
        File.WriteAllBytes(path, RawSafetensors.Build(header, RawSafetensors.Floats(2.5f)));

        using var file = SafetensorsFile.Open(path);

        Assert.Equal(1, file.GetTensor("s").ElementCount);
        Assert.Equal([2.5f], file.GetTensor("s").ToFloat32Array());
        Assert.Equal(0, file.GetTensor("z").ElementCount);
        Assert.Empty(file.GetTensor("z").ToFloat32Array());
    }

    [Fact]
    public void AcceptsFileWithNoTensors()
    {
        using var dir = new TempDirectory();
        var path = dir.File("empty.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build("{}      ", []));

        using var file = SafetensorsFile.Open(path);

        Assert.Empty(file.Tensors);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void AsSpan_Throws_WhenElementSizeDiffersFromDtype()
    {
        using var dir = new TempDirectory();
        var path = dir.File("two.safetensors");
        File.WriteAllBytes(path, RawSafetensors.TwoTensorFile());
        using var file = SafetensorsFile.Open(path);

        Assert.Throws<InvalidOperationException>(() => file.GetTensor("a").AsSpan<double>().Length);
    }

    [Fact]
    public void Views_Throw_AfterFileIsDisposed()
    {
        using var dir = new TempDirectory();
        var path = dir.File("two.safetensors");
        File.WriteAllBytes(path, RawSafetensors.TwoTensorFile());
        var file = SafetensorsFile.Open(path);
        var tensor = file.GetTensor("a");
        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => tensor.Bytes.Length);
    }
}
