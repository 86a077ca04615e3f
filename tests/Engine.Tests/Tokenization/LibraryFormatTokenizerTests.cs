using System.Text;
using System.Text.Json;
using Engine.Tokenization;
using Loader.Tokenizers;

namespace Engine.Tests.Tokenization;

/// <summary>Folders whose tokenizer only Microsoft.ML.Tokenizers reads (a tiktoken vocabulary, a Unigram
/// tokenizer.json) behind the engine's <see cref="Tokenizer"/>.</summary>
public sealed class LibraryFormatTokenizerTests
{
    private static readonly Lazy<string> TiktokenDir = new(WriteTiktokenDir);

    /// <summary>The gpt4o fixture's vocabulary as a tiktoken file (rank = id, token = the byte-level string's bytes),
    /// with its two added tokens in tokenizer_config.json's added_tokens_decoder.</summary>
    private static string WriteTiktokenDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"engine-tests-tiktoken-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var file = TokenizerJsonFile.Read(SharedFiles.PathOf("fixtures", "tokenizers", "gpt4o", "tokenizer.json"));
        var lines = file.Model.Vocab.OrderBy(p => p.Value).Select(p =>
            Convert.ToBase64String([.. p.Key.Select(ch => (byte)ByteLevelAlphabet.ByteOf(ch))]) + " " + p.Value);
        File.WriteAllLines(Path.Combine(dir, "o200k_base.tiktoken"), lines);
        var config = new StringBuilder("{\"added_tokens_decoder\": {");
        config.AppendJoin(", ", file.AddedTokens.Select(t => $"\"{t.Id}\": {{\"content\": {JsonSerializer.Serialize(t.Content)}, \"special\": {(t.Special ? "true" : "false")}}}"));
        config.Append("}}");
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), config.ToString());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        return dir;
    }

    [Fact]
    public void TiktokenFolder_EncodesDecodesAndStreamsTheGpt4oFixture()
    {
        var tokenizer = Tokenizer.FromDirectory(TiktokenDir.Value);
        Assert.Equal(TokenizerFileKind.Tiktoken, tokenizer.FileKind);
        var ours = FixtureTokenizers.Get("gpt4o");
        var failures = new StringBuilder();
        foreach (var c in FixtureTokenizers.Cases("gpt4o"))
        {
            // ML.Tokenizers splits astral-plane letters differently (TiktokenCrossCheckTests pins it): the one
            // divergence from the fixture that a tiktoken folder inherits.
            var astral = c.Text.EnumerateRunes().Any(r => r.Value > 0xFFFF && Rune.IsLetter(r));
            var ids = tokenizer.Encode(c.Text, c.AddSpecialTokens);
            if (!astral && !ids.SequenceEqual(c.Ids))
            {
                failures.AppendLine($"line {c.Line}: encode [{string.Join(',', ids.Take(20))}]");
            }
            var detokenizer = tokenizer.CreateDetokenizer(skipSpecialTokens: true);
            var streamed = string.Concat(c.Ids.Select(detokenizer.Add)) + detokenizer.Finish();
            if (tokenizer.Decode(c.Ids) != c.Decoded || tokenizer.Decode(c.Ids, skipSpecialTokens: true) != c.DecodedSkipSpecial
                || streamed != c.DecodedSkipSpecial)
            {
                failures.AppendLine($"line {c.Line}: decode {JsonSerializer.Serialize(tokenizer.Decode(c.Ids))} / streamed {JsonSerializer.Serialize(streamed)}");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
        // Token strings are the byte-level ones of the tokenizer.json conversion; added tokens are special.
        foreach (var id in new[] { 0, 220, 13225, 100_000 })
        {
            Assert.Equal(ours.IdToToken(id), tokenizer.IdToToken(id));
            Assert.Equal(id, tokenizer.TokenToId(ours.IdToToken(id)!));
        }
        Assert.Equal(ours.TokenToId("<|endoftext|>"), tokenizer.TokenToId("<|endoftext|>"));
        Assert.True(tokenizer.IsSpecial(tokenizer.TokenToId("<|endoftext|>")!.Value));
        Assert.Equal(ours.Encode("a<|endoftext|>b", false), tokenizer.Encode("a<|endoftext|>b", false));
        Assert.Equal(ours.VocabSize, tokenizer.VocabSize);
    }

    /// <summary>A Unigram model small enough to segment by hand (Viterbi: the highest total log-probability), whose
    /// post-processor appends EOS (id 8), as T5's does.</summary>
    private const string UnigramJson = """
        {"version": "1.0", "added_tokens": [{"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
         "normalizer": null,
         "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true},
         "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                            "pair": [], "special_tokens": {"</s>": {"id": "</s>", "ids": [8], "tokens": ["</s>"]}}},
         "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true},
         "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": false,
                   "vocab": [["<unk>", 0.0], ["\u2581", -2.0], ["\u2581a", -1.0], ["b", -1.5], ["\u2581ab", -1.2], ["a", -2.5], ["\u2581abc", -5.0], ["c", -1.0], ["</s>", 0.0]]}}
        """;

    [Theory]
    // "▁ab": ▁ab (-1.2) beats ▁a b (-2.5) and ▁ a b (-6.0).
    [InlineData("ab", new[] { 4 })]
    // "▁abc": ▁ab c (-2.2) beats ▁a b c (-3.5) and ▁abc (-5.0).
    [InlineData("abc", new[] { 4, 7 })]
    // "▁ba": no "▁b" piece, so ▁ b a is the only segmentation.
    [InlineData("ba", new[] { 1, 3, 5 })]
    // Two words: "▁ab" and "▁c" (▁ c, no "▁c" piece).
    [InlineData("ab c", new[] { 4, 1, 7 })]
    public void UnigramTokenizerJson_SegmentsByHighestScore(string text, int[] expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), UnigramJson);
        var tokenizer = Tokenizer.FromDirectory(dir.Path);
        Assert.Equal(TokenizerFileKind.UnigramTokenizerJson, tokenizer.FileKind);
        Assert.Equal(expected, tokenizer.Encode(text, addSpecialTokens: false));
        Assert.Equal([.. expected, 8], tokenizer.Encode(text, addSpecialTokens: true));
        Assert.Equal(text, tokenizer.Decode(expected));
    }

    [Fact]
    public void Throws_NamingTheFile_WhenTokenizerModelIsNotAModel()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tokenizer.model"), [0x0A, 0xFF, 0xFF, 0x01, 0x02]);
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromDirectory(dir.Path));
        Assert.Contains(dir.File("tokenizer.model"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TiktokenConvertedToTokenizerJson_EncodesTheGpt4oFixture()
    {
        // TikTokenConverter's merges (by rank) rebuilt from the bare tiktoken file must reproduce HF's ids.
        var ranks = TiktokenFile.Read(Path.Combine(TiktokenDir.Value, "o200k_base.tiktoken"));
        var tokenizer = Tokenizer.FromJson(TiktokenTokenizerJson.Build(ranks, TiktokenFile.O200kPattern));
        var failures = new StringBuilder();
        // The converted file has no added tokens, so texts that spell gpt4o's are left out.
        foreach (var c in FixtureTokenizers.Cases("gpt4o").Where(c => !c.Text.Contains("<|endo", StringComparison.Ordinal)))
        {
            if (!tokenizer.Encode(c.Text, c.AddSpecialTokens).SequenceEqual(c.Ids) || tokenizer.Decode(c.Ids) != c.Decoded)
            {
                failures.AppendLine($"line {c.Line}: {JsonSerializer.Serialize(c.Text)}");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Theory]
    [InlineData("ab", new[] { 4 })]
    [InlineData("abc", new[] { 4, 7 })]
    [InlineData("ba", new[] { 1, 3, 5 })]
    [InlineData("ab c", new[] { 4, 1, 7 })]
    public void UnigramTokenizerModel_SegmentsByHighestScore(string text, int[] expected)
    {
        // The same vocabulary as UnigramJson as a SentencePiece Unigram ModelProto (ids 1..2 are BOS/EOS here, so
        // the pieces move up by two; the expected ids above are the tokenizer.json ones).
        SentencePieceModelWriter.Piece[] pieces =
        [
            new("<unk>", 0f, SentencePieceModelWriter.PieceType.Unknown),
            new("<s>", 0f, SentencePieceModelWriter.PieceType.Control),
            new("</s>", 0f, SentencePieceModelWriter.PieceType.Control),
            new("\u2581", -2.0f, SentencePieceModelWriter.PieceType.Normal),
            new("\u2581a", -1.0f, SentencePieceModelWriter.PieceType.Normal),
            new("b", -1.5f, SentencePieceModelWriter.PieceType.Normal),
            new("\u2581ab", -1.2f, SentencePieceModelWriter.PieceType.Normal),
            new("a", -2.5f, SentencePieceModelWriter.PieceType.Normal),
            new("\u2581abc", -5.0f, SentencePieceModelWriter.PieceType.Normal),
            new("c", -1.0f, SentencePieceModelWriter.PieceType.Normal),
        ];
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tokenizer.model"),
            SentencePieceModelWriter.Write(pieces, SentencePieceModelWriter.ModelType.Unigram, byteFallback: false, unkId: 0, bosId: 1, eosId: 2));
        var tokenizer = Tokenizer.FromDirectory(dir.Path);
        Assert.Equal(TokenizerFileKind.SentencePieceModel, tokenizer.FileKind);
        int[] shifted = [.. expected.Select(id => id + 2)];
        Assert.Equal(shifted, tokenizer.Encode(text, addSpecialTokens: false));
        // No tokenizer_config.json: add_bos_token defaults to true, as transformers' LlamaTokenizer.
        Assert.Equal([1, .. shifted], tokenizer.Encode(text, addSpecialTokens: true));
        Assert.Equal(text, tokenizer.Decode([1, .. shifted], skipSpecialTokens: true));
    }
}
