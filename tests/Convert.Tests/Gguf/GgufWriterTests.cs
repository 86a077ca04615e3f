using System.Buffers.Binary;
using ConvertTool.Gguf;
using ConvertTool.Llama2c;
using Tests.Common;

namespace ConvertTool.Tests.Gguf;

public sealed class GgufWriterTests
{
    [Fact]
    public void WritesTypedMetadataAndAlignedTensors_ThatASpecReaderReadsBack()
    {
        using var dir = new TempDirectory();
        var gguf = new GgufWriter();
        gguf.Add("general.architecture", "llama");
        gguf.Add("llama.block_count", 4u);
        gguf.Add("llama.rope.freq_base", 10000f);
        gguf.Add("tokenizer.ggml.add_bos_token", true);
        gguf.Add("tokenizer.ggml.tokens", ["a", "▁b", "<0x0A>"]);
        gguf.Add("tokenizer.ggml.token_type", [1, 1, 6]);
        float[] matrix = [1, 2, 3, 4, 5, 6];
        gguf.AddTensor("m", [2, 3], GgmlType.F32, d => GgufTensorEncoding.Encode(matrix, GgmlType.F32, d));
        gguf.AddTensor("v", [5], GgmlType.F16, d => GgufTensorEncoding.Encode([1, -2, 0.5f, 0, 65504], GgmlType.F16, d));
        gguf.Write(dir.File("t.gguf"));

        var file = GgufFile.Read(dir.File("t.gguf"));
        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.Metadata["general.architecture"]);
        Assert.Equal(4u, file.Metadata["llama.block_count"]);
        Assert.Equal(10000f, file.Metadata["llama.rope.freq_base"]);
        Assert.Equal(true, file.Metadata["tokenizer.ggml.add_bos_token"]);
        Assert.Equal(new object[] { "a", "▁b", "<0x0A>" }, file.Metadata["tokenizer.ggml.tokens"]);
        Assert.Equal(new object[] { 1, 1, 6 }, file.Metadata["tokenizer.ggml.token_type"]);
        Assert.Equal(0, file.DataStart % 32);
        var m = file.Tensors["m"];
        Assert.Equal(new ulong[] { 3, 2 }, m.Dims);                // ggml's ne[0] is the contiguous (column) dim
        Assert.Equal(0u, m.Type);
        Assert.Equal(matrix, Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadSingleLittleEndian(m.Data.AsSpan(i * 4))));
        var v = file.Tensors["v"];
        Assert.Equal(1u, v.Type);
        Assert.Equal(new[] { 1f, -2, 0.5f, 0, 65504 }, Enumerable.Range(0, 5).Select(i => (float)BinaryPrimitives.ReadHalfLittleEndian(v.Data.AsSpan(i * 2))));
        Assert.All(v.Data[10..], b => Assert.Equal(0, b));          // padding to the next 32-byte boundary
    }

    [Fact]
    public void Q8_0_StoresTheBlockScaleAndRoundsHalfAwayFromZero()
    {
        // max |x| = 127 makes d = 1 exactly, so each code is round(x): ggml's roundf rounds halves away from zero
        var block = new float[32];
        block[0] = 127;
        block[1] = 2.5f;
        block[2] = -2.5f;
        block[3] = 0.49f;
        block[4] = -126.6f;
        var bytes = new byte[34];
        GgufTensorEncoding.Encode(block, GgmlType.Q8_0, bytes);

        Assert.Equal((Half)1, BinaryPrimitives.ReadHalfLittleEndian(bytes));
        Assert.Equal(new sbyte[] { 127, 3, -3, 0, -127, 0 }, bytes[2..8].Select(b => (sbyte)b));
    }

    [Fact]
    public void Q8_0_OfAnAllZeroBlock_HasZeroScaleAndCodes()
    {
        var bytes = new byte[34];
        bytes.AsSpan().Fill(0xFF);
        GgufTensorEncoding.Encode(new float[32], GgmlType.Q8_0, bytes);
        Assert.All(bytes, b => Assert.Equal(0, b));
    }

    [Fact]
    public void ToInterleaved_UndoesToRotateHalf()
    {
        var random = new Random(3);
        foreach (var (heads, headSize, cols) in new[] { (1, 2, 1), (4, 16, 3), (3, 8, 5), (2, 64, 2) })
        {
            var original = Enumerable.Range(0, heads * headSize * cols).Select(_ => random.NextSingle()).ToArray();
            var half = new float[original.Length];
            var back = new float[original.Length];
            RotaryPermutation.ToRotateHalf(original, half, heads, headSize, cols);
            RotaryPermutation.ToInterleaved(half, back, heads, headSize, cols);
            Assert.Equal(original, back);
        }
    }
}
