using System.Text.Json;
using Engine.Tokenization;
using Loader.Tokenizers;

namespace Engine.Tests.Tokenization;

/// <summary>Pipeline semantics the fixture tokenizers do not exercise, on small hand-made tokenizer.json files;
/// expected ids follow HF's rules (split.rs, metaspace.rs, added_vocabulary.rs, bpe/model.rs) by hand.</summary>
public sealed class TokenizerComponentTests
{
    private static readonly string[] Pieces = ["a", "b", "c", "-", "a-", "-b", "--", "\u2581", "\u2581a", "\u2581b", "ab", "<u>", "<s>", "x"];

    private static Tokenizer Make(string? normalizer = null, string? preTokenizer = null, string? decoder = null,
        string merges = "[]", string addedTokens = "[]", string extraModel = "", string? postProcessor = null)
    {
        var vocab = string.Join(",", Pieces.Select((p, i) => $"{JsonSerializer.Serialize(p)}:{i}"));
        return Tokenizer.FromJson(
            "{\"added_tokens\":" + addedTokens + ",\"normalizer\":" + (normalizer ?? "null")
            + ",\"pre_tokenizer\":" + (preTokenizer ?? "null") + ",\"post_processor\":" + (postProcessor ?? "null")
            + ",\"decoder\":" + (decoder ?? "null")
            + ",\"model\":{\"type\":\"BPE\",\"vocab\":{" + vocab + "},\"merges\":" + merges + extraModel + "}}");
    }

    private static int Id(string piece) => Array.IndexOf(Pieces, piece);

    private const string DashMerges = """[["a","-"],["-","b"],["-","-"]]""";

    [Theory]
    [InlineData("Removed", "a-b", new[] { "a", "b" })]
    [InlineData("Isolated", "a-b", new[] { "a", "-", "b" })]
    [InlineData("MergedWithPrevious", "a-b", new[] { "a-", "b" })]
    [InlineData("MergedWithNext", "a-b", new[] { "a", "-b" })]
    [InlineData("Contiguous", "a--b", new[] { "a", "--", "b" })]
    [InlineData("Isolated", "a--b", new[] { "a", "-", "-", "b" })]
    public void SplitBehaviors_CutWhereHfCuts(string behavior, string text, string[] expected)
    {
        var tokenizer = Make(preTokenizer: $$"""{"type":"Split","pattern":{"String":"-"},"behavior":"{{behavior}}","invert":false}""", merges: DashMerges);
        Assert.Equal(expected.Select(Id), tokenizer.Encode(text));
    }

    [Fact]
    public void Metaspace_PrependsOnlyAtStart_AndDecoderDropsFirstSpace()
    {
        var tokenizer = Make(
            preTokenizer: """{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":true}""",
            decoder: """{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":true}""",
            merges: """[["▁","a"],["▁","b"]]""",
            addedTokens: """[{"id":12,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}]""");
        Assert.Equal([Id("\u2581a"), Id("\u2581b")], tokenizer.Encode("a b"));
        // After an added token the segment does not start the input, so no ▁ is prepended.
        Assert.Equal([Id("<s>"), Id("a"), Id("\u2581b")], tokenizer.Encode("<s>a b"));
        Assert.Equal("a b", tokenizer.Decode([Id("\u2581a"), Id("\u2581b")]));
        Assert.Equal("<s>a b", tokenizer.Decode([Id("<s>"), Id("a"), Id("\u2581b")]));
    }

    [Fact]
    public void AddedTokenStrip_SwallowsNeighbouringWhitespace()
    {
        // Spaces are not in the vocab, so any space left outside the match shows up as an unk.
        const string Unk = ",\"unk_token\":\"<u>\"";
        var stripping = Make(extraModel: Unk,
            addedTokens: """[{"id":12,"content":"<s>","single_word":false,"lstrip":true,"rstrip":true,"normalized":false,"special":true}]""");
        Assert.Equal([Id("a"), Id("<s>"), Id("b")], stripping.Encode("a  <s>  b"));
        var plain = Make(extraModel: Unk,
            addedTokens: """[{"id":12,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}]""");
        Assert.Equal([Id("a"), Id("<u>"), Id("<u>"), Id("<s>"), Id("<u>"), Id("<u>"), Id("b")], plain.Encode("a  <s>  b"));
    }

    [Fact]
    public void SingleWordAddedToken_MatchesOnlyAsAWholeWord()
    {
        var tokenizer = Make(addedTokens: """[{"id":10,"content":"ab","single_word":true,"lstrip":false,"rstrip":false,"normalized":false,"special":false}]""");
        Assert.Equal([Id("ab"), Id("-")], tokenizer.Encode("ab-"));
        Assert.Equal([Id("c"), Id("a"), Id("b")], tokenizer.Encode("cab"));
    }

    [Theory]
    [InlineData(true, new[] { "<u>", "a" })]
    [InlineData(false, new[] { "<u>", "<u>", "a" })]
    public void UnknownCharacters_BecomeUnk_FusedWhenAsked(bool fuse, string[] expected)
    {
        var tokenizer = Make(extraModel: $$""","unk_token":"<u>","fuse_unk":{{(fuse ? "true" : "false")}}""");
        Assert.Equal(expected.Select(Id), tokenizer.Encode("zza"));
    }

    [Fact]
    public void IgnoreMerges_EmitsWholeVocabWord_EvenWhenMergesWouldSplitIt()
    {
        // With merges only (a,-), "a-b" would become [a-, b]; the vocab has no "a-b", so merges apply. "ab" is in the
        // vocab and has no merge rule: ignore_merges emits it whole, plain BPE leaves [a, b].
        Assert.Equal([Id("ab")], Make(extraModel: ""","ignore_merges":true""").Encode("ab"));
        Assert.Equal([Id("a"), Id("b")], Make(extraModel: ""","ignore_merges":false""").Encode("ab"));
    }

    [Fact]
    public void TemplateProcessing_AddsTokens_OnlyWithAddSpecialTokens()
    {
        var tokenizer = Make(postProcessor: """
            {"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"x","type_id":0}}],
             "pair":[],"special_tokens":{"<s>":{"id":"<s>","ids":[12],"tokens":["<s>"]},"x":{"id":"x","ids":[13],"tokens":["x"]}}}
            """);
        Assert.Equal([12, Id("a"), 13], tokenizer.Encode("a"));
        Assert.Equal([Id("a")], tokenizer.Encode("a", addSpecialTokens: false));
    }

    [Fact]
    public void BpeDecoder_TurnsSuffixIntoSpaces_ExceptAtTheEnd()
    {
        var tokenizer = Make(decoder: """{"type":"BPEDecoder","suffix":"-"}""");
        Assert.Equal("a b c", tokenizer.Decode([Id("a-"), Id("b"), Id("-"), Id("c"), Id("-")]));
    }

    [Theory]
    [InlineData("pre_tokenizer", """{"type":"BertPreTokenizer"}""", "BertPreTokenizer")]
    [InlineData("decoder", """{"type":"WordPiece","prefix":"##"}""", "WordPiece")]
    [InlineData("post_processor", """{"type":"RobertaProcessing"}""", "RobertaProcessing")]
    [InlineData("normalizer", """{"type":"Precompiled","precompiled_charsmap":""}""", "Precompiled")]
    public void Throws_NamingTheComponent_WhenUnsupported(string slot, string json, string name)
    {
        var e = Assert.Throws<TokenizerFormatException>(() => slot switch
        {
            "pre_tokenizer" => Make(preTokenizer: json),
            "decoder" => Make(decoder: json),
            "post_processor" => Make(postProcessor: json),
            _ => Make(normalizer: json),
        });
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.Contains("tokenizer.json", e.Message, StringComparison.Ordinal);
    }
}
