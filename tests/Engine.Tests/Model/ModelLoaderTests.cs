using Engine.Model;
using Loader.Config;

namespace Engine.Tests.Model;

public sealed class ModelLoaderTests
{
    private const string Qwen3 = """
        {"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3","hidden_size":64,"intermediate_size":96,
         "num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"head_dim":32,"vocab_size":100,
         "max_position_embeddings":4096,"rms_norm_eps":1e-6,"rope_theta":1000000,"tie_word_embeddings":true,
         "hidden_act":"silu","eos_token_id":7,"bos_token_id":6,"sliding_window":null,"use_sliding_window":false,
         "rope_scaling":{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":1024}}
        """;

    [Fact]
    public void ToModelConfig_MapsQwen3Fields()
    {
        var config = ModelLoader.ToModelConfig(HfModelConfig.Parse(Qwen3), new GenerationConfig { EosTokenIds = [7, 9] }, "q");
        Assert.Equal((64, 96, 2, 4, 2, 32, 100, 4096), (config.Dim, config.HiddenDim, config.NumLayers, config.NumHeads, config.NumKvHeads, config.HeadDim, config.VocabSize, config.MaxContext));
        Assert.True(config.QkNorm);
        Assert.False(config.QkvBias);
        Assert.True(config.TieWordEmbeddings);
        Assert.Equal(1e-6f, config.NormEps);
        Assert.Equal([7, 9], config.EosTokenIds);
        Assert.Equal("yarn", config.RopeScaling!.Type);
        Assert.Equal(1024, config.RopeScaling.OriginalMaxPositionEmbeddings);
    }

    [Fact]
    public void ToModelConfig_CapsTheContextAtMistralsSlidingWindow()
    {
        var json = Qwen3.Replace("Qwen3ForCausalLM", "MistralForCausalLM").Replace("\"qwen3\"", "\"mistral\"").Replace("\"sliding_window\":null", "\"sliding_window\":512");
        var config = ModelLoader.ToModelConfig(HfModelConfig.Parse(json), null, "m");
        Assert.Equal(512, config.MaxContext);
    }

    [Fact]
    public void ToModelConfig_Throws_WhenTheMlpHasBiases()
    {
        var json = Qwen3.Replace("Qwen3ForCausalLM", "LlamaForCausalLM").Replace("\"qwen3\"", "\"llama\"").Replace("\"hidden_act\"", "\"mlp_bias\":true,\"hidden_act\"");
        var error = Assert.Throws<NotSupportedException>(() => ModelLoader.ToModelConfig(HfModelConfig.Parse(json), null, "g"));
        Assert.Contains("mlp_bias", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltinModel_TokenizesBytesWithBos_AndRoundTrips()
    {
        var tokenizer = BuiltinModel.CreateTokenizer();
        var ids = tokenizer.Encode("Hé!", addSpecialTokens: true);
        Assert.Equal([BuiltinModel.BosTokenId, 'H', 0xC3, 0xA9, '!'], ids);
        Assert.Equal("Hé!", tokenizer.Decode(ids, skipSpecialTokens: true));
    }
}
