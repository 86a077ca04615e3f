using System.Text.Json;
using ConvertTool.Llama2c;
using Loader.Config;
using Loader.Llama2c;
using Loader.Safetensors;
using Loader.Tokenizers;

namespace ConvertTool.Tests;

public sealed class Llama2cConversionTests
{
    private static TempDirectory Convert(out Llama2cConversionResult result, SafetensorsDtype dtype = SafetensorsDtype.F32)
    {
        var dir = new TempDirectory();
        result = Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, dir.Path, dtype));
        return dir;
    }

    [Fact]
    public void WritesLlamaConfig_WithHeaderValues()
    {
        using var dir = Convert(out _);
        using var config = JsonDocument.Parse(File.ReadAllText(dir.File("config.json")));
        var root = config.RootElement;

        Assert.Equal("LlamaForCausalLM", root.GetProperty("architectures")[0].GetString());
        Assert.Equal("llama", root.GetProperty("model_type").GetString());
        Assert.Equal(64, root.GetProperty("hidden_size").GetInt32());
        Assert.Equal(172, root.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(4, root.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(4, root.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(4, root.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(512, root.GetProperty("vocab_size").GetInt32());
        Assert.Equal(128, root.GetProperty("max_position_embeddings").GetInt32());
        Assert.Equal(1e-5, root.GetProperty("rms_norm_eps").GetDouble());
        Assert.Equal(10000.0, root.GetProperty("rope_theta").GetDouble());
        Assert.True(root.GetProperty("tie_word_embeddings").GetBoolean());
        Assert.Equal("silu", root.GetProperty("hidden_act").GetString());
        Assert.Equal("float32", root.GetProperty("torch_dtype").GetString());
        Assert.Equal(1, root.GetProperty("bos_token_id").GetInt32());
    }

    [Fact]
    public void StopsOnBos_AsRunCDoes()
    {
        using var dir = Convert(out _);
        using var generation = JsonDocument.Parse(File.ReadAllText(dir.File("generation_config.json")));
        using var config = JsonDocument.Parse(File.ReadAllText(dir.File("config.json")));
        using var tokenizer = JsonDocument.Parse(File.ReadAllText(dir.File("tokenizer_config.json")));

        // run.c stops when it samples token 1 (BOS) and prints token 2 (EOS) like any other piece.
        Assert.Equal([1], generation.RootElement.GetProperty("eos_token_id").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(1, config.RootElement.GetProperty("eos_token_id").GetInt32());
        Assert.Equal("\n<s>\n", tokenizer.RootElement.GetProperty("bos_token").GetString());
        Assert.Equal("\n</s>\n", tokenizer.RootElement.GetProperty("eos_token").GetString());
        Assert.True(tokenizer.RootElement.GetProperty("add_bos_token").GetBoolean());
        Assert.False(tokenizer.RootElement.TryGetProperty("chat_template", out _));
    }

    [Fact]
    public void ConvertedConfigs_LoadThroughLoadersOwnParsers()
    {
        using var dir = Convert(out _);

        var config = HfModelConfig.Load(dir.Path);
        var generation = GenerationConfig.Load(dir.Path);

        Assert.Equal(("LlamaForCausalLM", 64, 172, 4, 4, 4, 16), (config.Architecture, config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers, config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim));
        Assert.Equal((512, 128, 1e-5, 10000.0), (config.VocabSize, config.MaxPositionEmbeddings, config.RmsNormEps, config.RopeTheta));
        Assert.True(config.TieWordEmbeddings);
        Assert.Null(config.RopeScaling);
        Assert.Equal([1], config.EosTokenIds);
        Assert.Equal([1], generation.EosTokenIds);
        Assert.Equal(1, generation.BosTokenId);
        Assert.Equal(0.9, generation.TopP);
    }

    [Fact]
    public void WritesTokenizerJson_WithTheVocabularyOfTokenizerBin()
    {
        using var dir = Convert(out var result);

        Assert.Contains(dir.File("tokenizer.json"), result.Files);
        var tokenizer = TokenizerJsonFile.Read(dir.File("tokenizer.json"));
        var pieces = Llama2cTokenizerFile.Read(Aidreams.Tokenizer, Aidreams.Vocab).Pieces;

        Assert.Equal(Aidreams.Vocab, tokenizer.Model.Vocab.Count);
        Assert.True(tokenizer.Model.ByteFallback);
        for (var id = 0; id < Aidreams.Vocab; id++)
        {
            Assert.Equal(id, tokenizer.Model.Vocab[System.Text.Encoding.UTF8.GetString(pieces[id])]);
        }
        Assert.Contains(tokenizer.AddedTokens, t => t.Id == 1 && t.Content == "\n<s>\n" && t.Special);
        Assert.Contains(tokenizer.AddedTokens, t => t.Id == 2 && t.Content == "\n</s>\n" && t.Special);
    }

    [Fact]
    public void WritesHfTensorNamesAndShapes_WithoutLmHeadForSharedClassifier()
    {
        using var dir = Convert(out var result);
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));

        Assert.Equal(2 + (9 * 4), file.Tensors.Count);
        Assert.False(file.TryGetTensor("lm_head.weight", out _));
        Assert.Equal([512L, 64], file.GetTensor("model.embed_tokens.weight").Shape);
        Assert.Equal([64L, 64], file.GetTensor("model.layers.3.self_attn.q_proj.weight").Shape);
        Assert.Equal([64L, 64], file.GetTensor("model.layers.0.self_attn.k_proj.weight").Shape);
        Assert.Equal([172L, 64], file.GetTensor("model.layers.1.mlp.gate_proj.weight").Shape);
        Assert.Equal([172L, 64], file.GetTensor("model.layers.1.mlp.up_proj.weight").Shape);
        Assert.Equal([64L, 172], file.GetTensor("model.layers.2.mlp.down_proj.weight").Shape);
        Assert.Equal([64L], file.GetTensor("model.layers.2.post_attention_layernorm.weight").Shape);
        Assert.Equal([64L], file.GetTensor("model.norm.weight").Shape);
        Assert.All(file.Tensors, t => Assert.Equal(SafetensorsDtype.F32, t.Dtype));
        Assert.Equal(Aidreams.ParameterCount, file.Tensors.Sum(t => t.ElementCount));
        Assert.Equal(Aidreams.ParameterCount, result.ParameterCount);
    }

    [Theory]
    [InlineData("q_proj", Aidreams.Wq, 0)]
    [InlineData("q_proj", Aidreams.Wq, 3)]
    [InlineData("k_proj", Aidreams.Wk, 2)]
    public void PermutesQkRows_ByTheReadmeFormula(string projection, long sourceStart, int layer)
    {
        using var dir = Convert(out _);
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        var hf = file.GetTensor($"model.layers.{layer}.self_attn.{projection}.weight").ToFloat32Array();
        const int Hs = Aidreams.HeadSize;
        var layerStart = sourceStart + (layer * Aidreams.Dim * Aidreams.Dim);

        // hf_row[h*hs + r*(hs/2) + i] = llama2c_row[h*hs + 2*i + r]
        for (var h = 0; h < Aidreams.Heads; h++)
        {
            for (var r = 0; r < 2; r++)
            {
                for (var i = 0; i < Hs / 2; i++)
                {
                    var hfRow = (h * Hs) + (r * (Hs / 2)) + i;
                    var srcRow = (h * Hs) + (2 * i) + r;
                    Assert.Equal(Aidreams.Range(layerStart + (srcRow * Aidreams.Dim), Aidreams.Dim), hf.AsSpan(hfRow * Aidreams.Dim, Aidreams.Dim).ToArray());
                }
            }
        }
        // Row 1 of HF is row 2 of llama2.c (the second even row): the permutation is not the identity.
        Assert.NotEqual(Aidreams.Range(layerStart + Aidreams.Dim, Aidreams.Dim), hf.AsSpan(Aidreams.Dim, Aidreams.Dim).ToArray());
    }

    [Fact]
    public void CopiesUnpermutedTensors_Verbatim()
    {
        using var dir = Convert(out _);
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        const int D = Aidreams.Dim, H = Aidreams.Hidden;

        Assert.Equal(Aidreams.Range(Aidreams.Embedding, 512 * D), file.GetTensor("model.embed_tokens.weight").ToFloat32Array());
        Assert.Equal(Aidreams.Range(Aidreams.Wv + (2 * D * D), D * D), file.GetTensor("model.layers.2.self_attn.v_proj.weight").ToFloat32Array());
        Assert.Equal(Aidreams.Range(Aidreams.Wo + (1 * D * D), D * D), file.GetTensor("model.layers.1.self_attn.o_proj.weight").ToFloat32Array());
        Assert.Equal(Aidreams.Range(Aidreams.RmsAtt + (3 * D), D), file.GetTensor("model.layers.3.input_layernorm.weight").ToFloat32Array());
        Assert.Equal(Aidreams.Range(Aidreams.RmsFfn + (3 * D), D), file.GetTensor("model.layers.3.post_attention_layernorm.weight").ToFloat32Array());
        Assert.Equal(Aidreams.Range(Aidreams.W1 + (H * D), H * D), file.GetTensor("model.layers.1.mlp.gate_proj.weight").ToFloat32Array());
        Assert.Equal(Aidreams.Range(Aidreams.W2 + (2 * H * D), H * D), file.GetTensor("model.layers.2.mlp.down_proj.weight").ToFloat32Array());
        Assert.Equal(Aidreams.Range(Aidreams.W3 + (3 * H * D), H * D), file.GetTensor("model.layers.3.mlp.up_proj.weight").ToFloat32Array());
        Assert.Equal(Aidreams.Range(Aidreams.RmsFinal, D), file.GetTensor("model.norm.weight").ToFloat32Array());
    }

    [Fact]
    public void Bf16Output_IsFloat32RoundedToNearestEven()
    {
        using var dir = Convert(out _, SafetensorsDtype.BF16);
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        var tensor = file.GetTensor("model.layers.1.mlp.down_proj.weight");
        Assert.Equal(SafetensorsDtype.BF16, tensor.Dtype);
        var values = tensor.ToFloat32Array();
        var source = Aidreams.Range(Aidreams.W2 + (Aidreams.Hidden * Aidreams.Dim), Aidreams.Hidden * Aidreams.Dim);

        for (var i = 0; i < source.Length; i++)
        {
            Assert.Equal(RoundToBf16Precision(source[i]), values[i]);
        }
        using var config = JsonDocument.Parse(File.ReadAllText(dir.File("config.json")));
        Assert.Equal("bfloat16", config.RootElement.GetProperty("torch_dtype").GetString());
    }

    /// <summary>BF16 keeps 8 significant bits: round v / 2^(exponent-7) to an integer, ties to even (normal floats).</summary>
    internal static float RoundToBf16Precision(float v)
    {
        if (v == 0)
        {
            return v;
        }
        var quantum = Math.Pow(2, Math.ILogB(v) - 7);
        return (float)(Math.Round(v / quantum, MidpointRounding.ToEven) * quantum);
    }

    [Fact]
    public void WritesLmHead_ForUnsharedClassifier()
    {
        using var dir = new TempDirectory();
        // dim 4, hidden 6, 1 layer, 2 heads of 2, 1 KV head, vocab -3, seq_len 2; float i has value i.
        var floats = 12 + 4 + 16 + 8 + 8 + 16 + 4 + 24 + 24 + 24 + 4 + 4 + 12;
        var model = dir.File("m.bin");
        File.WriteAllBytes(model, Llama2cFiles.Checkpoint([4, 6, 1, 2, 1, -3, 2], floats));
        var tokenizer = dir.File("t.bin");
        File.WriteAllBytes(tokenizer, Llama2cFiles.Tokenizer("<unk>", "\n<s>\n", "\n</s>\n"));

        Llama2cConversion.Run(new Llama2cConversionOptions(model, tokenizer, dir.File("out")));

        using var file = SafetensorsFile.Open(Path.Combine(dir.File("out"), "model.safetensors"));
        Assert.Equal(Enumerable.Range(floats - 12, 12).Select(i => (float)i), file.GetTensor("lm_head.weight").ToFloat32Array());
        Assert.Equal([2L, 4], file.GetTensor("model.layers.0.self_attn.k_proj.weight").Shape);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "config.json")));
        Assert.False(config.RootElement.GetProperty("tie_word_embeddings").GetBoolean());
        Assert.Equal(1, config.RootElement.GetProperty("num_key_value_heads").GetInt32());
    }

    [Fact]
    public void Throws_WhenCheckpointIsTruncated()
    {
        using var dir = new TempDirectory();
        var model = dir.File("model.bin");
        File.WriteAllBytes(model, File.ReadAllBytes(Aidreams.Model)[..500_000]);

        var error = Assert.Throws<Llama2cFormatException>(() =>
            Llama2cConversion.Run(new Llama2cConversionOptions(model, Aidreams.Tokenizer, dir.File("out"))));

        Assert.Equal(model, error.File);
        Assert.Contains("500000 bytes", error.Problem, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.File("out"), "model.safetensors")));
    }

    [Fact]
    public void Throws_WhenTokenizerHasFewerTokensThanVocab()
    {
        using var dir = new TempDirectory();
        var tokenizer = dir.File("tokenizer.bin");
        File.WriteAllBytes(tokenizer, Llama2cFiles.Tokenizer("<unk>", "\n<s>\n", "\n</s>\n"));

        var error = Assert.Throws<Llama2cFormatException>(() =>
            Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, tokenizer, dir.File("out"))));

        Assert.Equal(tokenizer, error.File);
        Assert.Contains("vocab_size 512", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenHeaderDisagreesWithFileSize()
    {
        using var dir = new TempDirectory();
        var model = dir.File("model.bin");
        var bytes = File.ReadAllBytes(Aidreams.Model);
        bytes[8] = 5; // n_layers 4 -> 5: the weights no longer fill the file as the header claims
        File.WriteAllBytes(model, bytes);

        var error = Assert.Throws<Llama2cFormatException>(() =>
            Llama2cConversion.Run(new Llama2cConversionOptions(model, Aidreams.Tokenizer, dir.File("out"))));
        Assert.Contains("n_layers 5", error.Problem, StringComparison.Ordinal);
    }
}
