using Loader.Tokenizers;

namespace Loader.Tests.Tokenizers;

public sealed class TokenizerFilesTests
{
    private const string BpeJson = """{"model": {"type": "BPE", "vocab": {}, "merges": []}}""";

    [Fact]
    public void TokenizerJsonWins_OverTokenizerModel()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), BpeJson);
        File.WriteAllBytes(dir.File("tokenizer.model"), [0x0A, 0x03, 0x0A, 0x01, 0x61]);
        Assert.Equal((TokenizerFileKind.TokenizerJson, dir.File("tokenizer.json")), TokenizerFiles.Locate(dir.Path));
    }

    [Fact]
    public void RecognisesUnigramTokenizerJson()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), """{"model": {"type": "Unigram", "vocab": [["a", -1.0]]}}""");
        Assert.Equal(TokenizerFileKind.UnigramTokenizerJson, TokenizerFiles.Locate(dir.Path).Kind);
    }

    [Fact]
    public void TellsTiktokenFromSentencePiece_InTokenizerModel()
    {
        using var dir = new TempDirectory();
        // A protobuf ModelProto starts with field 1 (pieces), wire type 2: byte 0x0A.
        File.WriteAllBytes(dir.File("tokenizer.model"), [0x0A, 0x03, 0x0A, 0x01, 0x61]);
        Assert.Equal(TokenizerFileKind.SentencePieceModel, TokenizerFiles.Locate(dir.Path).Kind);
        // Llama 3's original tokenizer.model is a tiktoken file: "base64 rank" lines.
        File.WriteAllText(dir.File("tokenizer.model"), "IQ== 0\nIg== 1\n");
        Assert.Equal(TokenizerFileKind.Tiktoken, TokenizerFiles.Locate(dir.Path).Kind);
    }

    [Fact]
    public void FindsASingleTiktokenFile_AndRefusesSeveral()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("cl100k_base.tiktoken"), "IQ== 0\n");
        Assert.Equal((TokenizerFileKind.Tiktoken, dir.File("cl100k_base.tiktoken")), TokenizerFiles.Locate(dir.Path));
        Assert.True(TokenizerFiles.Exists(dir.Path));
        File.WriteAllText(dir.File("o200k_base.tiktoken"), "IQ== 0\n");
        var error = Assert.Throws<FileNotFoundException>(() => TokenizerFiles.Locate(dir.Path));
        Assert.Contains("several *.tiktoken", error.Message, StringComparison.Ordinal);
        Assert.False(TokenizerFiles.Exists(dir.Path));
    }

    [Fact]
    public void Throws_NamingTheFolderAndTheFilesLookedFor_WhenNoneExists()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => TokenizerFiles.Locate(dir.Path));
        Assert.Contains(dir.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("tokenizer.model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TiktokenFile_ReadsRanks_AndNamesTheBadLine()
    {
        // "IQ==" is "!", "aGk=" is "hi".
        var ranks = TiktokenFile.Parse("IQ== 0\r\naGk= 7\n"u8, "t.tiktoken");
        Assert.Equal("!"u8.ToArray(), ranks[0]);
        Assert.Equal("hi"u8.ToArray(), ranks[7]);
        var error = Assert.Throws<TokenizerFormatException>(() => TiktokenFile.Parse("IQ== 0\nnot-base64 1\n"u8, "t.tiktoken"));
        Assert.Contains("t.tiktoken:2", error.Message, StringComparison.Ordinal);
        var repeated = Assert.Throws<TokenizerFormatException>(() => TiktokenFile.Parse("IQ== 0\naGk= 0\n"u8, "t.tiktoken"));
        Assert.Contains("t.tiktoken:2", repeated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenizerConfig_ReadsAddedTokensDecoder()
    {
        var config = TokenizerConfigFile.Parse("""
            {"added_tokens_decoder": {
               "128001": {"content": "<|end_of_text|>", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false, "special": true},
               "5": {"content": "<think>", "lstrip": true, "normalized": true, "rstrip": false, "single_word": false, "special": false}}}
            """);
        Assert.Equal(
            [new AddedTokenEntry(5, "<think>", false, true, false, true, false), new AddedTokenEntry(128001, "<|end_of_text|>", false, false, false, false, true)],
            config.AddedTokens);
        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerConfigFile.Parse("""{"added_tokens_decoder": {"x": {"content": "a"}}}""", "cfg.json"));
        Assert.Contains("cfg.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"added_tokens": [{"id": 0, "content": "x"}], "model": {"vocab": {"type": 1}, "type": "Unigram"}}""", "Unigram")]
    [InlineData("""{"model": {"vocab": {}, "merges": []}}""", "BPE")]
    [InlineData("""{"normalizer": {"type": "NFC"}, "model": {"type": "WordPiece"}}""", "WordPiece")]
    public void ModelTypeOf_ReadsModelType_SkippingOtherTypes(string json, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), json);
        Assert.Equal(expected, TokenizerFiles.ModelTypeOf(dir.File("tokenizer.json")));
    }

    [Fact]
    public void ModelTypeOf_NamesTheFile_WhenJsonIsBroken()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), """{"model": {"type": """);
        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerFiles.ModelTypeOf(dir.File("tokenizer.json")));
        Assert.Contains(dir.File("tokenizer.json"), error.Message, StringComparison.Ordinal);
    }
}
