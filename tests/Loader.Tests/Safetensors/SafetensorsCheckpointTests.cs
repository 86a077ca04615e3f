using Loader.Safetensors;

namespace Loader.Tests.Safetensors;

public sealed class SafetensorsCheckpointTests
{
    private static void WriteShard(string path, params (string Name, float Value)[] tensors) =>
        SafetensorsWriter.WriteFile(path, tensors.Select(t => (new SafetensorsTensorInfo(t.Name, SafetensorsDtype.F32, [1]), (ReadOnlyMemory<byte>)RawSafetensors.Floats(t.Value))));

    [Fact]
    public void OpensShardedCheckpoint_ThroughIndex()
    {
        using var dir = new TempDirectory();
        WriteShard(dir.File("model-00001-of-00002.safetensors"), ("a", 1), ("b", 2));
        WriteShard(dir.File("model-00002-of-00002.safetensors"), ("c", 3));
        File.WriteAllText(dir.File(SafetensorsCheckpoint.IndexFileName), """
            {"metadata": {"total_size": 12}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors", "c": "model-00002-of-00002.safetensors"}}
            """);

        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);

        Assert.Equal(2, checkpoint.Files.Count);
        Assert.Equal(["a", "b", "c"], checkpoint.Tensors.Select(t => t.Name));
        Assert.Equal([3f], checkpoint.GetTensor("c").ToFloat32Array());
        Assert.EndsWith("model-00002-of-00002.safetensors", checkpoint.GetTensor("c").FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public void OpensSingleFile_ByDirectoryOrPath()
    {
        using var dir = new TempDirectory();
        WriteShard(dir.File("model.safetensors"), ("w", 5));

        using var byDirectory = SafetensorsCheckpoint.Open(dir.Path);
        using var byFile = SafetensorsCheckpoint.Open(dir.File("model.safetensors"));

        Assert.True(byDirectory.TryGetTensor("w", out var w));
        Assert.Equal([5f], w.ToFloat32Array());
        Assert.Single(byFile.Tensors);
    }

    [Fact]
    public void Throws_WhenIndexPlacesTensorInShardThatLacksIt()
    {
        using var dir = new TempDirectory();
        WriteShard(dir.File("s1.safetensors"), ("a", 1));
        File.WriteAllText(dir.File(SafetensorsCheckpoint.IndexFileName), """{"weight_map": {"a": "s1.safetensors", "b": "s1.safetensors"}}""");

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(dir.Path));
        Assert.Equal("b", error.Tensor);
    }

    [Theory]
    [InlineData("../evil.safetensors")]
    [InlineData("sub/s1.safetensors")]
    [InlineData("missing.safetensors")]
    public void Throws_WhenIndexNamesShardOutsideDirectoryOrMissing(string shard)
    {
        using var dir = new TempDirectory();
        WriteShard(dir.File("s1.safetensors"), ("a", 1));
        File.WriteAllText(dir.File(SafetensorsCheckpoint.IndexFileName), $$$"""{"weight_map": {"a": "{{{shard}}}"}}""");

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(dir.Path));
        Assert.Equal("a", error.Tensor);
    }

    [Fact]
    public void Throws_WhenTwoFilesHoldTheSameTensor()
    {
        using var dir = new TempDirectory();
        WriteShard(dir.File("x.safetensors"), ("a", 1));
        WriteShard(dir.File("y.safetensors"), ("a", 2));

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(dir.Path));
        Assert.Equal("a", error.Tensor);
    }

    [Fact]
    public void Throws_WhenDirectoryHasNoSafetensors()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => SafetensorsCheckpoint.Open(dir.Path));
    }
}
