using Loader.Config;

namespace Loader.Tests.Config;

public sealed class HfModelConfigTests
{
    [Fact]
    public void ParsesLlama31_8B_WithLlama3RopeScalingAndEosList()
    {
        var config = HfModelConfig.Parse(RealConfigs.Llama31_8B);

        Assert.Equal("LlamaForCausalLM", config.Architecture);
        Assert.Equal((4096, 14336, 32, 32, 8, 128), (config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers, config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim));
        Assert.Equal(128256, config.VocabSize);
        Assert.Equal(131072, config.MaxPositionEmbeddings);
        Assert.Equal(1e-5, config.RmsNormEps);
        Assert.Equal(500000.0, config.RopeTheta);
        Assert.Equal(new RopeScaling(RopeScalingType.Llama3, 8.0, 1.0, 4.0, 8192), config.RopeScaling);
        Assert.Equal([128001, 128008, 128009], config.EosTokenIds);
        Assert.Equal(128000, config.BosTokenId);
        Assert.False(config.TieWordEmbeddings);
        Assert.False(config.QkvBias || config.OutputBias || config.MlpBias || config.QkNorm);
        Assert.Null(config.SlidingWindow);
        Assert.Equal("bfloat16", config.TorchDtype);
    }

    [Fact]
    public void ParsesMistral7B_WithSlidingWindowOnEveryLayer()
    {
        var config = HfModelConfig.Parse(RealConfigs.Mistral7B_v01);

        Assert.Equal("mistral", config.ModelType);
        Assert.Equal(4096, config.SlidingWindow);
        Assert.Equal(128, config.HeadDim);
        Assert.Equal(8, config.NumKeyValueHeads);
        Assert.Equal([2], config.EosTokenIds);
        Assert.Null(config.RopeScaling);
        Assert.False(config.QkvBias);
    }

    [Fact]
    public void ParsesQwen25_05B_WithImplicitQkvBiasAndTiedEmbeddings()
    {
        var config = HfModelConfig.Parse(RealConfigs.Qwen25_05B);

        Assert.Equal("qwen2", config.ModelType);
        Assert.Equal(64, config.HeadDim); // 896 / 14
        Assert.Equal(2, config.NumKeyValueHeads);
        Assert.True(config.QkvBias);
        Assert.False(config.OutputBias);
        Assert.True(config.TieWordEmbeddings);
        Assert.Equal(1e-6, config.RmsNormEps);
        Assert.Equal(1_000_000.0, config.RopeTheta);
        // sliding_window is present but use_sliding_window is false: full attention.
        Assert.Null(config.SlidingWindow);
        Assert.Equal(24, config.MaxWindowLayers);
    }

    [Fact]
    public void ParsesQwen25_7B()
    {
        var config = HfModelConfig.Parse(RealConfigs.Qwen25_7B_Instruct);

        Assert.Equal((3584, 18944, 28, 28, 4, 128), (config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers, config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim));
        Assert.Equal(152064, config.VocabSize);
        Assert.False(config.TieWordEmbeddings);
        Assert.Equal([151645], config.EosTokenIds);
    }

    [Fact]
    public void ParsesQwen3_06B_WithQkNormAndExplicitHeadDim()
    {
        var config = HfModelConfig.Parse(RealConfigs.Qwen3_06B);

        Assert.Equal("qwen3", config.ModelType);
        Assert.Equal(128, config.HeadDim); // not 1024 / 16 = 64
        Assert.True(config.QkNorm);
        Assert.False(config.QkvBias);
        Assert.Null(config.SlidingWindow);
        Assert.Null(config.RopeScaling);
        Assert.Equal(40960, config.MaxPositionEmbeddings);
    }

    [Fact]
    public void AppliesArchitectureDefaults_WhenFieldsAreAbsent()
    {
        const string Minimal = """{"architectures":["Qwen3ForCausalLM"],"hidden_size":256,"intermediate_size":512,"num_hidden_layers":2,"num_attention_heads":4,"vocab_size":100}""";
        var qwen3 = HfModelConfig.Parse(Minimal);
        Assert.Equal(128, qwen3.HeadDim); // Qwen3Config's default head_dim
        Assert.Equal(4, qwen3.NumKeyValueHeads); // GQA default: as many KV heads as heads
        Assert.Equal(10000.0, qwen3.RopeTheta);
        Assert.Equal(1e-6, qwen3.RmsNormEps);
        Assert.False(qwen3.TieWordEmbeddings);
        Assert.Empty(qwen3.EosTokenIds);

        var llama = HfModelConfig.Parse(Minimal.Replace("Qwen3ForCausalLM", "LlamaForCausalLM", StringComparison.Ordinal));
        Assert.Equal(64, llama.HeadDim); // 256 / 4
        Assert.Equal(2048, llama.MaxPositionEmbeddings);
    }

    [Fact]
    public void EnablesQwenSlidingWindow_OnlyWithUseSlidingWindow()
    {
        var config = HfModelConfig.Parse(RealConfigs.Qwen25_05B.Replace("\"use_sliding_window\": false", "\"use_sliding_window\": true", StringComparison.Ordinal));
        Assert.Equal(32768, config.SlidingWindow);
    }

    [Theory]
    [InlineData("""{"type": "linear", "factor": 4.0}""", RopeScalingType.Linear, 4.0)]
    [InlineData("""{"rope_type": "dynamic", "factor": 2.0}""", RopeScalingType.Dynamic, 2.0)]
    [InlineData("""{"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}""", RopeScalingType.Yarn, 4.0)]
    public void ParsesRopeScaling_UnderRopeTypeOrLegacyTypeKey(string scaling, RopeScalingType type, double factor)
    {
        var config = HfModelConfig.Parse(WithRopeScaling(scaling));
        Assert.Equal(type, config.RopeScaling!.Type);
        Assert.Equal(factor, config.RopeScaling.Factor);
    }

    [Fact]
    public void YarnDefaultsBetas_AsTransformersDoes()
    {
        var scaling = HfModelConfig.Parse(WithRopeScaling("""{"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}""")).RopeScaling!;
        Assert.Equal((32.0, 1.0, 32768), (scaling.BetaFast!.Value, scaling.BetaSlow!.Value, scaling.OriginalMaxPositionEmbeddings!.Value));
    }

    [Fact]
    public void TreatsDefaultRopeType_AsNoScaling() =>
        Assert.Null(HfModelConfig.Parse(WithRopeScaling("""{"rope_type": "default"}""")).RopeScaling);

    [Fact]
    public void ReadsNewerDtypeKey_AndRopeParameters()
    {
        var json = RealConfigs.Qwen3_06B
            .Replace("\"torch_dtype\"", "\"dtype\"", StringComparison.Ordinal)
            .Replace("\"rope_theta\": 1000000,", "\"rope_parameters\": {\"rope_theta\": 5000.0, \"rope_type\": \"linear\", \"factor\": 2.0},", StringComparison.Ordinal);
        var config = HfModelConfig.Parse(json);
        Assert.Equal("bfloat16", config.TorchDtype);
        Assert.Equal(5000.0, config.RopeTheta);
        Assert.Equal(RopeScalingType.Linear, config.RopeScaling!.Type);
    }

    [Fact]
    public void Loads_FromDirectory()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), RealConfigs.Mistral7B_v01);
        Assert.Equal(32000, HfModelConfig.Load(dir.Path).VocabSize);
    }

    [Theory]
    [InlineData("\"LlamaForCausalLM\"", "\"GPT2LMHeadModel\"", "architectures", "unsupported architecture 'GPT2LMHeadModel'")]
    [InlineData("\"model_type\": \"llama\"", "\"model_type\": \"gemma\"", "model_type", "unsupported model_type 'gemma'")]
    [InlineData("\"model_type\": \"llama\"", "\"model_type\": \"qwen2\"", "model_type", "does not match")]
    [InlineData("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"", "hidden_act", "unsupported activation 'gelu'")]
    [InlineData("\"rope_type\": \"llama3\"", "\"rope_type\": \"longrope\"", "rope_scaling", "unsupported rope type 'longrope'")]
    [InlineData("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 5", "num_key_value_heads", "does not divide")]
    [InlineData("\"hidden_size\": 4096", "\"hidden_size\": \"4096\"", "hidden_size", "expected an integer")]
    [InlineData("\"hidden_size\": 4096,", "", "hidden_size", "missing")]
    [InlineData("\"low_freq_factor\": 1.0,", "", "rope_scaling.low_freq_factor", "required")]
    [InlineData("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": 0", "tie_word_embeddings", "true or false")]
    public void Throws_NamingFieldAndSupportedSet_WhenConfigIsUnsupported(string find, string replace, string field, string message)
    {
        var json = RealConfigs.Llama31_8B.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(RealConfigs.Llama31_8B, json);

        var error = Assert.Throws<ModelConfigException>(() => HfModelConfig.Parse(json, "m/config.json"));

        Assert.Equal(field, error.Field);
        Assert.Equal("m/config.json", error.File);
        Assert.Contains(message, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedArchitectureError_ListsWhatIsSupported()
    {
        var error = Assert.Throws<ModelConfigException>(() => HfModelConfig.Parse("""{"architectures":["PhiForCausalLM"]}"""));
        foreach (var name in new[] { "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Throws_WhenJsonIsMalformedOrFileMissing()
    {
        Assert.Throws<ModelConfigException>(() => HfModelConfig.Parse("{\"hidden_size\": "));
        using var dir = new TempDirectory();
        Assert.Throws<ModelConfigException>(() => HfModelConfig.Load(dir.Path));
    }

    private static string WithRopeScaling(string scaling) =>
        RealConfigs.Qwen3_06B.Replace("\"rope_scaling\": null", "\"rope_scaling\": " + scaling, StringComparison.Ordinal);
}
