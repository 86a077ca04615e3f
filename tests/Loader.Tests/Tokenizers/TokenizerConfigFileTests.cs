using Loader.Tokenizers;
using Tests.Common;

namespace Loader.Tests.Tokenizers;

public sealed class TokenizerConfigFileTests
{
    [Fact]
    public void ReducesTokenObjectsToContent_AndKeepsNulls()
    {
        var config = TokenizerConfigFile.Parse("""
            {"bos_token":{"content":"<s>","lstrip":false},"eos_token":"</s>","unk_token":null,
             "additional_special_tokens":["<a>",{"content":"<b>"}],"add_bos_token":true,"chat_template":"{{ x }}"}
            """);
        Assert.Equal("<s>", config.BosToken);
        Assert.Equal("</s>", config.EosToken);
        Assert.Null(config.UnkToken);
        Assert.Null(config.PadToken);
        Assert.Equal(["<a>", "<b>"], config.AdditionalSpecialTokens);
        Assert.True(config.AddBosToken);
        Assert.Null(config.AddEosToken);
        Assert.Equal("{{ x }}", config.ChatTemplate);
        Assert.Empty(config.NamedChatTemplates);
    }

    [Fact]
    public void ReadsNamedTemplateList_WithDefaultAsChatTemplate()
    {
        var config = TokenizerConfigFile.Parse("""
            {"chat_template":[{"name":"default","template":"D"},{"name":"tool_use","template":"T"}]}
            """);
        Assert.Equal("D", config.ChatTemplate);
        Assert.Equal("T", config.NamedChatTemplates["tool_use"]);
    }

    [Fact]
    public void Throws_WhenTokenHasWrongShape() =>
        Assert.Throws<TokenizerFormatException>(() => TokenizerConfigFile.Parse("""{"eos_token":5}"""));

    [Fact]
    public void ReadsFixtureConfigs()
    {
        var qwen = TokenizerConfigFile.Read(SharedFiles.PathOf("fixtures", "tokenizers", "qwen3", "tokenizer_config.json"));
        Assert.Null(qwen.BosToken);
        Assert.Equal("<|im_end|>", qwen.EosToken);
        Assert.Equal("<|endoftext|>", qwen.PadToken);
        Assert.Contains("<|im_start|>", qwen.AdditionalSpecialTokens);
        Assert.StartsWith("{%- if tools %}", qwen.ChatTemplate, StringComparison.Ordinal);
        var llama = TokenizerConfigFile.Read(SharedFiles.PathOf("fixtures", "tokenizers", "llama3", "tokenizer_config.json"));
        Assert.Equal("<|begin_of_text|>", llama.BosToken);
        Assert.True(llama.CleanUpTokenizationSpaces);
    }
}
