using System.Text;
using System.Text.Json;
using Engine.Tests.Model;
using Engine.Guided;
using Engine.Tokenization;
using Engine.Tokenization.Standard;
using Loader.Tokenizers;

namespace Engine.Tests.Tokenization;

/// <summary>The <c>tokenizer.model</c> that <c>convert llama2c</c> writes for aidreams260K, loaded through
/// Microsoft.ML.Tokenizers from a folder without tokenizer.json, against our tokenizer.json of the same
/// vocabulary (itself checked against llama2.c's encoder in Llama2cTokenizerJsonTests).</summary>
public sealed class SentencePieceModelTokenizerTests
{
    private static readonly Lazy<string> ModelOnly = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"engine-tests-spm-only-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(Aidreams260KModel.Directory, "tokenizer.model"), Path.Combine(dir, "tokenizer.model"), overwrite: true);
        File.Copy(Path.Combine(Aidreams260KModel.Directory, "tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"), overwrite: true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        return dir;
    });

    private static Tokenizer Json => Tokenizer.FromDirectory(Aidreams260KModel.Directory);

    private static Tokenizer Model => Tokenizer.FromDirectory(ModelOnly.Value);

    [Fact]
    public void TokenizerJsonWins_WhenBothFilesExist()
    {
        Assert.Equal(TokenizerFileKind.TokenizerJson, Json.FileKind);
        Assert.Null(Json.Library);
        Assert.Equal(TokenizerFileKind.SentencePieceModel, Model.FileKind);
        Assert.NotNull(Model.Library);
    }

    [Fact]
    public void EncodesEveryFixtureText_AsOurTokenizerJsonDoes()
    {
        var json = Json;
        var model = Model;
        var failures = new StringBuilder();
        var texts = FixtureTokenizers.AllNames.SelectMany(FixtureTokenizers.Cases).Select(c => c.Text).Distinct().ToList();
        foreach (var text in texts)
        {
            foreach (var add in new[] { false, true })
            {
                var expected = json.Encode(text, add);
                var actual = model.Encode(text, add);
                if (!actual.SequenceEqual(expected))
                {
                    failures.AppendLine($"{JsonSerializer.Serialize(text)[..Math.Min(60, JsonSerializer.Serialize(text).Length)]} add={add}: " +
                        $"[{string.Join(',', expected.Take(16))}] vs [{string.Join(',', actual.Take(16))}]");
                }
            }
        }
        Assert.True(texts.Count > 100, $"only {texts.Count} fixture texts");
        Assert.True(failures.Length == 0, $"tokenizer.model vs tokenizer.json:\n{failures}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DecodesAndStreams_AsOurTokenizerJsonDoes(bool skipSpecialTokens)
    {
        var json = Json;
        var model = Model;
        var failures = new StringBuilder();
        foreach (var text in FixtureTokenizers.Cases("llama3").Select(c => c.Text).Distinct())
        {
            var ids = json.Encode(text, addSpecialTokens: true);
            var expected = json.Decode(ids, skipSpecialTokens);
            var detokenizer = model.CreateDetokenizer(skipSpecialTokens);
            var streamed = string.Concat(ids.Select(detokenizer.Add)) + detokenizer.Finish();
            if (model.Decode(ids, skipSpecialTokens) != expected || streamed != expected)
            {
                failures.AppendLine($"{JsonSerializer.Serialize(text)}: {JsonSerializer.Serialize(model.Decode(ids, skipSpecialTokens))} / streamed {JsonSerializer.Serialize(streamed)} vs {JsonSerializer.Serialize(expected)}");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public void SpecialTokensAndBos_ComeFromTokenizerConfig()
    {
        var model = Model;
        // add_bos_token: true in the converted tokenizer_config.json; BOS/EOS are special and dropped when skipping.
        Assert.Equal(1, model.Encode("I dreamed", addSpecialTokens: true)[0]);
        Assert.NotEqual(1, model.Encode("I dreamed", addSpecialTokens: false)[0]);
        Assert.True(model.IsSpecial(1));
        Assert.True(model.IsSpecial(2));
        Assert.Equal("\n<s>\n", model.IdToToken(1));
        Assert.Equal(1, model.TokenToId("\n<s>\n"));
        Assert.Equal(Json.VocabSize, model.VocabSize);
        for (var id = 3; id < model.VocabSize; id++)
        {
            Assert.Equal(Json.IdToToken(id)!.Replace(' ', '\u2581'), model.IdToToken(id));
        }
    }

    [Fact]
    public void StandardApiAndGuidedVocabulary_WorkOnTheLibraryTokenizer()
    {
        var json = Json;
        var model = Model;
        var api = new StandardTokenizer(model);
        foreach (var text in new[] { "Once upon a time", "héllo 😀", "" })
        {
            Assert.Equal(json.Encode(text), api.EncodeToIds(text));
            Assert.Equal(json.Encode(text).Length, api.CountTokens(text));
            // Offsets come from ML.Tokenizers: they index its normalized text (▁ for spaces, a dummy prefix).
            var tokens = api.EncodeToTokens(text, out var normalized);
            Assert.Equal(json.Encode(text), tokens.Select(t => t.Id));
            Assert.All(tokens, t => Assert.InRange(t.Offset.End.Value, 0, (normalized ?? text).Length));
        }
        var expected = GuidedVocabulary.For(json);
        var actual = GuidedVocabulary.For(model);
        Assert.Equal(expected.Size, actual.Size);
        // SentencePiece's unk is special (as in Llama 2's own tokenizer.json); llama2.c's converted tokenizer.json
        // lists only BOS and EOS as added tokens, so there "<unk>" is plain text.
        Assert.True(actual.BytesOf(0).IsEmpty);
        for (var id = 1; id < expected.Size; id++)
        {
            Assert.Equal(expected.BytesOf(id).ToArray(), actual.BytesOf(id).ToArray());
        }
    }
}
