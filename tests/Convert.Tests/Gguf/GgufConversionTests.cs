using System.Buffers.Binary;
using ConvertTool.Gguf;
using ConvertTool.Llama2c;
using Loader.Config;
using Loader.Tokenizers;
using Tests.Common;

namespace ConvertTool.Tests.Gguf;

public sealed class GgufConversionTests
{
    private static GgufFile ExportAidreams(TempDirectory dir, GgmlType type)
    {
        Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, dir.File("hf")));
        GgufConversion.Run(new GgufConversionOptions(dir.File("hf"), dir.File("model.gguf"), type));
        return GgufFile.Read(dir.File("model.gguf"));
    }

    [Fact]
    public void Aidreams_HasLlamaHyperParameters()
    {
        using var dir = new TempDirectory();
        var file = ExportAidreams(dir, GgmlType.F32);

        Assert.Equal("llama", file.Metadata["general.architecture"]);
        Assert.Equal((uint)Aidreams.Layers, file.Metadata["llama.block_count"]);
        Assert.Equal((uint)Aidreams.Dim, file.Metadata["llama.embedding_length"]);
        Assert.Equal((uint)Aidreams.Hidden, file.Metadata["llama.feed_forward_length"]);
        Assert.Equal((uint)Aidreams.Heads, file.Metadata["llama.attention.head_count"]);
        Assert.Equal((uint)Aidreams.Heads, file.Metadata["llama.attention.head_count_kv"]);
        Assert.Equal((uint)Aidreams.HeadSize, file.Metadata["llama.rope.dimension_count"]);
        Assert.Equal((uint)Aidreams.SeqLen, file.Metadata["llama.context_length"]);
        Assert.Equal(1e-5f, file.Metadata["llama.attention.layer_norm_rms_epsilon"]);
        Assert.Equal(10000f, file.Metadata["llama.rope.freq_base"]);
        // shared classifier: no output.weight, llama.cpp reuses token_embd.weight
        Assert.Equal(2 + (9 * Aidreams.Layers), file.Tensors.Count);
        Assert.DoesNotContain("output.weight", file.Tensors.Keys);
    }

    [Fact]
    public void Aidreams_QueryRowsAreBackInLlama2cInterleavedOrder()
    {
        // llama2.c's own wq rows are in the interleaved-pair order llama.cpp's llama RoPE uses: after the HF
        // rotate-half detour the GGUF tensor must hold model.bin's floats exactly
        using var dir = new TempDirectory();
        var file = ExportAidreams(dir, GgmlType.F32);
        var wq = file.Tensors["blk.0.attn_q.weight"];
        var wk = file.Tensors["blk.2.attn_k.weight"];

        Assert.Equal(new ulong[] { Aidreams.Dim, Aidreams.Dim }, wq.Dims);
        Assert.Equal(Aidreams.Range(Aidreams.Wq, Aidreams.Dim * Aidreams.Dim), Floats(wq.Data, Aidreams.Dim * Aidreams.Dim));
        Assert.Equal(Aidreams.Range(Aidreams.Wk + (2L * Aidreams.Dim * Aidreams.Dim), Aidreams.Dim * Aidreams.Dim), Floats(wk.Data, Aidreams.Dim * Aidreams.Dim));
        Assert.Equal(Aidreams.Range(Aidreams.W1, Aidreams.Hidden * Aidreams.Dim), Floats(file.Tensors["blk.0.ffn_gate.weight"].Data, Aidreams.Hidden * Aidreams.Dim));
    }

    [Fact]
    public void Aidreams_SentencePieceVocabulary_UsesMetaspaceAndTokenTypes()
    {
        using var dir = new TempDirectory();
        var file = ExportAidreams(dir, GgmlType.F32);
        var tokens = (object[])file.Metadata["tokenizer.ggml.tokens"];
        var types = (object[])file.Metadata["tokenizer.ggml.token_type"];
        var pieces = Loader.Llama2c.Llama2cTokenizerFile.Read(Aidreams.Tokenizer, Aidreams.Vocab).Pieces;

        Assert.Equal("llama", file.Metadata["tokenizer.ggml.model"]);
        Assert.Equal(true, file.Metadata["tokenizer.ggml.add_space_prefix"]);
        Assert.Equal(true, file.Metadata["tokenizer.ggml.add_bos_token"]);
        Assert.Equal(Aidreams.Vocab, tokens.Length);
        Assert.Equal(2, types[0]);                                  // <unk>: UNKNOWN
        Assert.Equal(3, types[1]);                                  // BOS: CONTROL
        var newline = Array.IndexOf(tokens, "<0x0A>");
        Assert.Equal(6, types[newline]);                            // byte-fallback piece: BYTE
        for (var id = 3; id < Aidreams.Vocab; id++)
        {
            var piece = System.Text.Encoding.UTF8.GetString(pieces[id]);
            if (!piece.StartsWith("<0x", StringComparison.Ordinal))
            {
                Assert.Equal(piece.Replace(' ', '\u2581'), tokens[id]);
            }
        }
        Assert.Equal(1u, file.Metadata["tokenizer.ggml.bos_token_id"]);
        Assert.Equal(1u, file.Metadata["tokenizer.ggml.eos_token_id"]);   // run.c stops on BOS (see README)
    }

    [Theory]
    [InlineData(GgmlType.F16, 1u)]
    [InlineData(GgmlType.BF16, 30u)]
    [InlineData(GgmlType.Q8_0, 8u)]
    public void LowerPrecision_EncodesMatrices_KeepsNormsF32_AndFallsBackToF16ForOddRows(GgmlType type, uint ggmlType)
    {
        using var dir = new TempDirectory();
        var file = ExportAidreams(dir, type);

        Assert.Equal(ggmlType, file.Tensors["blk.0.attn_q.weight"].Type);
        Assert.Equal(0u, file.Tensors["blk.0.attn_norm.weight"].Type);
        // ffn_down rows are 172 long, not whole Q8_0 blocks of 32
        Assert.Equal(type == GgmlType.Q8_0 ? 1u : ggmlType, file.Tensors["blk.0.ffn_down.weight"].Type);
        if (type == GgmlType.Q8_0)
        {
            // each value comes back within half a quantisation step d = max|block| / 127 (+ the scale's f16 rounding)
            var original = Aidreams.Range(Aidreams.Wq, Aidreams.Dim * Aidreams.Dim);
            var data = file.Tensors["blk.0.attn_q.weight"].Data;
            for (var b = 0; b < original.Length / 32; b++)
            {
                var d = (float)BinaryPrimitives.ReadHalfLittleEndian(data.AsSpan(b * 34));
                var amax = original.Skip(b * 32).Take(32).Max(MathF.Abs);
                for (var i = 0; i < 32; i++)
                {
                    var back = d * (sbyte)data[(b * 34) + 2 + i];
                    Assert.InRange(Math.Abs(back - original[(b * 32) + i]), 0, (0.5 * amax / 127) + (127 * Math.Abs(d - (amax / 127))) + 1e-7);
                }
            }
        }
    }

    [Fact]
    public void Throws_WhenTheArchitectureIsNotLlama()
    {
        using var dir = new TempDirectory();
        Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, dir.File("hf")));
        var config = dir.File("hf/config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"LlamaForCausalLM\"", "\"Qwen2ForCausalLM\"").Replace("\"model_type\": \"llama\"", "\"model_type\": \"qwen2\""));

        var e = Assert.Throws<ModelConfigException>(() => GgufConversion.Run(new GgufConversionOptions(dir.File("hf"), dir.File("m.gguf"), GgmlType.F32)));
        Assert.Contains("qwen2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenTheByteLevelSplitRegexIsUnknown()
    {
        using var dir = new TempDirectory();
        Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, dir.File("hf")));
        // gpt4o's vocabulary has a split regex llama.cpp names o200k; this converter does not know it
        File.Copy(SharedFiles.PathOf("fixtures", "tokenizers", "gpt4o", "tokenizer.json"), dir.File("hf/tokenizer.json"), overwrite: true);
        var config = dir.File("hf/config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"vocab_size\": 512", "\"vocab_size\": 200019"));

        var e = Assert.Throws<TokenizerFormatException>(() => GgufConversion.Run(new GgufConversionOptions(dir.File("hf"), dir.File("m.gguf"), GgmlType.F32)));
        Assert.Contains("tokenizer.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("pre_tokenizer", e.Message, StringComparison.Ordinal);
    }

    private static float[] Floats(byte[] data, int count) =>
        [.. Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(i * 4)))];
}
