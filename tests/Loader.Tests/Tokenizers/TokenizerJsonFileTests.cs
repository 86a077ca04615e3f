using Loader.Tokenizers;
using Tests.Common;

namespace Loader.Tests.Tokenizers;

public sealed class TokenizerJsonFileTests
{
    private const string Minimal = """
        {"added_tokens":[{"id":3,"content":"<s>","single_word":false,"lstrip":true,"rstrip":false,"normalized":false,"special":true}],
         "normalizer":{"type":"NFC"},"pre_tokenizer":null,"post_processor":null,"decoder":{"type":"Fuse"},
         "model":{"type":"BPE","dropout":null,"unk_token":"u","continuing_subword_prefix":null,"end_of_word_suffix":null,
                  "fuse_unk":true,"byte_fallback":true,"ignore_merges":true,
                  "vocab":{"a":0,"b":1,"ab":2,"u":4},"merges":MERGES}}
        """;

    [Theory]
    [InlineData("""["a b"]""")]
    [InlineData("""[["a","b"]]""")]
    public void ParsesMerges_InBothFormats(string merges)
    {
        var file = TokenizerJsonFile.Parse(Minimal.Replace("MERGES", merges, StringComparison.Ordinal));
        Assert.Equal([("a", "b")], file.Model.Merges);
    }

    [Fact]
    public void ParsesModelFlagsAddedTokensAndComponents()
    {
        var file = TokenizerJsonFile.Parse(Minimal.Replace("MERGES", "[]", StringComparison.Ordinal));
        Assert.Equal(4, file.Model.Vocab["u"]);
        Assert.Equal("u", file.Model.UnkToken);
        Assert.True(file.Model.FuseUnk && file.Model.ByteFallback && file.Model.IgnoreMerges);
        Assert.Null(file.Model.ContinuingSubwordPrefix);
        Assert.Equal(new AddedTokenEntry(3, "<s>", false, true, false, false, true), Assert.Single(file.AddedTokens));
        Assert.Equal("NFC", file.Normalizer!.Type);
        Assert.Null(file.PreTokenizer);
        Assert.Equal("Fuse", file.Decoder!.Type);
    }

    [Theory]
    [InlineData("WordPiece")]
    [InlineData("Unigram")]
    [InlineData("WordLevel")]
    public void Throws_WhenModelIsNotBpe_NamingTypeAndFile(string type)
    {
        var e = Assert.Throws<TokenizerFormatException>(() =>
            TokenizerJsonFile.Parse("{\"model\":{\"type\":\"" + type + "\",\"vocab\":{}}}", "/models/x/tokenizer.json"));
        Assert.Contains(type, e.Message, StringComparison.Ordinal);
        Assert.Contains("/models/x/tokenizer.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenMergeHasNoSpace() =>
        Assert.Throws<TokenizerFormatException>(() =>
            TokenizerJsonFile.Parse(Minimal.Replace("MERGES", """["ab"]""", StringComparison.Ordinal)));

    [Fact]
    public void Throws_WhenJsonIsInvalid() =>
        Assert.Throws<TokenizerFormatException>(() => TokenizerJsonFile.Parse("{\"model\":", "t.json"));

    [Theory]
    [InlineData("llama3", 128000, 280147, 256)]
    [InlineData("qwen3", 151643, 151387, 26)]
    [InlineData("gemini", 256000, 580604, 217)]
    public void ReadsFixtureFiles(string name, int vocab, int merges, int added)
    {
        var file = TokenizerJsonFile.Read(SharedFiles.PathOf("fixtures", "tokenizers", name, "tokenizer.json"));
        Assert.Equal(vocab, file.Model.Vocab.Count);
        Assert.Equal(merges, file.Model.Merges.Count);
        Assert.Equal(added, file.AddedTokens.Count);
    }
}
