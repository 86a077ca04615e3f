using Loader.Config;

namespace Loader.Tests.Config;

public sealed class GenerationConfigTests
{
    [Fact]
    public void ParsesQwen3GenerationConfig_WithEosList()
    {
        // Qwen3-0.6B's published generation_config.json.
        var config = GenerationConfig.Parse("""
            {
              "bos_token_id": 151643,
              "do_sample": true,
              "eos_token_id": [151645, 151643],
              "pad_token_id": 151643,
              "temperature": 0.6,
              "top_k": 20,
              "top_p": 0.95,
              "transformers_version": "4.51.0"
            }
            """);

        Assert.Equal([151645, 151643], config.EosTokenIds);
        Assert.Equal(151643, config.BosTokenId);
        Assert.Equal(151643, config.PadTokenId);
        Assert.True(config.DoSample);
        Assert.Equal(0.6, config.Temperature);
        Assert.Equal(20, config.TopK);
        Assert.Equal(0.95, config.TopP);
        Assert.Null(config.RepetitionPenalty);
        Assert.Null(config.MaxNewTokens);
    }

    [Fact]
    public void ParsesQwen25InstructGenerationConfig_WithRepetitionPenalty()
    {
        var config = GenerationConfig.Parse("""
            {"bos_token_id": 151643, "pad_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643],
             "repetition_penalty": 1.05, "temperature": 0.7, "top_p": 0.8, "top_k": 20, "max_new_tokens": 2048}
            """);

        Assert.Equal(1.05, config.RepetitionPenalty);
        Assert.Equal(2048, config.MaxNewTokens);
    }

    [Fact]
    public void ReadsSingleEosId_AsOneElementList() =>
        Assert.Equal([2], GenerationConfig.Parse("""{"bos_token_id": 1, "eos_token_id": 2}""").EosTokenIds);

    [Fact]
    public void ReturnsEmpty_WhenDirectoryHasNoGenerationConfig()
    {
        using var dir = new TempDirectory();
        var config = GenerationConfig.Load(dir.Path);
        Assert.Same(GenerationConfig.Empty, config);
        Assert.Empty(config.EosTokenIds);
        Assert.Null(config.Temperature);
    }

    [Fact]
    public void Throws_NamingField_WhenTypeIsWrong()
    {
        var error = Assert.Throws<ModelConfigException>(() => GenerationConfig.Parse("""{"top_k": "twenty"}""", "g.json"));
        Assert.Equal("top_k", error.Field);
        Assert.Equal("g.json", error.File);
    }
}
