using System.Buffers.Binary;
using Loader.Llama2c;
using Tests.Common;

namespace Loader.Tests.Llama2c;

public sealed class Llama2cCheckpointTests
{
    private static string ModelPath => SharedFiles.PathOf("models", "aidreams260K", "model.bin");

    private static float FloatAt(byte[] file, long floatIndex) =>
        BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan((int)(28 + floatIndex * 4)));

    [Fact]
    public void ReadsAidreamsHeader_AsTheModelReadmeStates()
    {
        using var checkpoint = Llama2cCheckpoint.Read(ModelPath);

        Assert.Equal(new Llama2cConfig(64, 172, 4, 4, 4, 512, 128, SharedClassifier: true), checkpoint.Config);
        Assert.Equal(16, checkpoint.Config.HeadSize);
        Assert.True(checkpoint.HasRopeTables);
    }

    [Fact]
    public void TensorsLieWhereTheReadmeTableSays()
    {
        var raw = File.ReadAllBytes(ModelPath);
        using var checkpoint = Llama2cCheckpoint.Read(ModelPath);
        // Offsets in floats, summed by hand from the README table for dim 64, hidden 172, 4 layers, vocab 512.
        const long Embedding = 512 * 64, RmsAtt = 4 * 64, Wq = 4 * 64 * 64, Wo = Wq, Ffn = 4 * 172 * 64;
        const long WqStart = Embedding + RmsAtt;
        const long RmsFfnStart = WqStart + 3 * Wq + Wo;
        const long W2Start = RmsFfnStart + RmsAtt + Ffn;
        const long RmsFinalStart = W2Start + 2 * Ffn;

        Assert.Equal(Embedding, checkpoint.Tensor(Llama2cTensorKind.TokenEmbedding).Length);
        Assert.Equal(FloatAt(raw, 0), checkpoint.Tensor(Llama2cTensorKind.TokenEmbedding)[0]);
        Assert.Equal(FloatAt(raw, WqStart + 64 * 64 + 5), checkpoint.Tensor(Llama2cTensorKind.Wq, 1)[5]);
        Assert.Equal(FloatAt(raw, RmsFfnStart + 64 * 3), checkpoint.Tensor(Llama2cTensorKind.RmsFfn, 3)[0]);
        Assert.Equal(FloatAt(raw, W2Start + 172 * 64 * 2 + 171), checkpoint.Tensor(Llama2cTensorKind.W2, 2)[171]);
        Assert.Equal(FloatAt(raw, RmsFinalStart + 63), checkpoint.Tensor(Llama2cTensorKind.RmsFinal)[63]);
        Assert.Equal(128 * 8, checkpoint.Tensor(Llama2cTensorKind.FreqCisImag).Length);
        Assert.Equal(RmsFinalStart + 64 + 2 * 128 * 8, (raw.Length - 28) / 4);
        // Shared classifier: wcls is the embedding itself.
        Assert.True(checkpoint.Tensor(Llama2cTensorKind.Wcls).SequenceEqual(checkpoint.Tensor(Llama2cTensorKind.TokenEmbedding)));
    }

    [Fact]
    public void Throws_WithExpectedAndActualBytes_WhenFileIsTruncated()
    {
        using var dir = new TempDirectory();
        var path = dir.File("short.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(ModelPath)[..900_000]);

        var error = Assert.Throws<Llama2cFormatException>(() => Llama2cCheckpoint.Read(path));

        Assert.Equal(path, error.File);
        Assert.Contains("file is 900000 bytes", error.Problem, StringComparison.Ordinal);
        Assert.Contains("932124", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenFileIsLongerThanHeaderAllows()
    {
        using var dir = new TempDirectory();
        var path = dir.File("long.bin");
        File.WriteAllBytes(path, [.. File.ReadAllBytes(ModelPath), 0, 0, 0, 0]);

        var error = Assert.Throws<Llama2cFormatException>(() => Llama2cCheckpoint.Read(path));
        Assert.Contains("932128", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AcceptsSharedClassifierFile_WithoutRopeTables()
    {
        using var dir = new TempDirectory();
        var path = dir.File("notables.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(ModelPath)[..(932124 - 2 * 128 * 8 * 4)]);

        using var checkpoint = Llama2cCheckpoint.Read(path);

        Assert.False(checkpoint.HasRopeTables);
        Assert.Throws<InvalidOperationException>(() => checkpoint.Tensor(Llama2cTensorKind.FreqCisReal).Length);
    }

    [Fact]
    public void ReadsUnsharedClassifier_AfterRopeTables()
    {
        // dim 4, hidden 6, 1 layer, 2 heads (head 2), 1 KV head, vocab -3 (unshared), seq_len 2.
        // Floats: emb 12, rms_att 4, wq 16, wk 8, wv 8, wo 16, rms_ffn 4, w1 24, w2 24, w3 24, rms_final 4,
        // tables 2 * 2 * 1, wcls 12: the value of float i is i.
        var floats = 12 + 4 + 16 + 8 + 8 + 16 + 4 + 24 + 24 + 24 + 4 + 4 + 12;
        using var dir = new TempDirectory();
        var path = dir.File("unshared.bin");
        File.WriteAllBytes(path, Llama2cFiles.Checkpoint([4, 6, 1, 2, 1, -3, 2], floats));

        using var checkpoint = Llama2cCheckpoint.Read(path);

        Assert.False(checkpoint.Config.SharedClassifier);
        Assert.Equal(3, checkpoint.Config.VocabSize);
        Assert.Equal(2, checkpoint.Config.KvDim);
        Assert.Equal(Enumerable.Range(floats - 12, 12).Select(i => (float)i), checkpoint.Tensor(Llama2cTensorKind.Wcls).ToArray());
        Assert.Equal([144f, 145f], checkpoint.Tensor(Llama2cTensorKind.FreqCisReal).ToArray());
    }

    [Fact]
    public void Throws_WhenUnsharedClassifierFileLacksRopeTables()
    {
        using var dir = new TempDirectory();
        var path = dir.File("unshared.bin");
        File.WriteAllBytes(path, Llama2cFiles.Checkpoint([4, 6, 1, 2, 1, -3, 2], 144 + 12));

        var error = Assert.Throws<Llama2cFormatException>(() => Llama2cCheckpoint.Read(path));
        Assert.Contains("unshared classifier", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0, 6, 1, 2, 1, 3, 2 }, "dim")]
    [InlineData(new[] { 4, 6, 1, 2, 1, 0, 2 }, "vocab_size")]
    [InlineData(new[] { 4, 6, 1, 3, 1, 3, 2 }, "n_heads 3")]
    [InlineData(new[] { 4, 6, 1, 4, 1, 3, 2 }, "even size")]
    [InlineData(new[] { 8, 6, 1, 2, 3, 3, 2 }, "n_kv_heads 3")]
    [InlineData(new[] { 4, 6, 1, 2, 1, 3, -2 }, "seq_len")]
    public void Throws_WhenHeaderIsImpossible(int[] header, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.bin");
        File.WriteAllBytes(path, Llama2cFiles.Checkpoint(header, 16));

        var error = Assert.Throws<Llama2cFormatException>(() => Llama2cCheckpoint.Read(path));
        Assert.Contains(expected, error.Problem, StringComparison.Ordinal);
    }
}
