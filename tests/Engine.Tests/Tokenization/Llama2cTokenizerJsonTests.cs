using System.Text.Json;
using Engine.Tokenization;
using Loader.Tokenizers;
using Tests.Common;

namespace Engine.Tests.Tokenization;

/// <summary>The tokenizer.json built from aidreams260K's tokenizer.bin encodes and decodes like llama2.c's run.c
/// (fixture: ../shared/fixtures/llama2c/aidreams260K-greedy.jsonl).</summary>
public sealed class Llama2cTokenizerJsonTests
{
    private static readonly Lazy<Tokenizer> Aidreams = new(() =>
        Tokenizer.FromJson(Llama2cTokenizerJson.Build(
            File.ReadAllBytes(SharedFiles.PathOf("models", "aidreams260K", "tokenizer.bin")), 512)));

    private static IEnumerable<JsonElement> GreedyCases() =>
        File.ReadLines(SharedFiles.PathOf("fixtures", "llama2c", "aidreams260K-greedy.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement);

    [Fact]
    public void EncodesEveryPrompt_LikeRunC()
    {
        var count = 0;
        foreach (var c in GreedyCases())
        {
            var expected = c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(expected, Aidreams.Value.Encode(c.GetProperty("prompt").GetString()!, addSpecialTokens: true));
            count++;
        }
        Assert.Equal(8, count);
    }

    [Theory]
    [InlineData("", new[] { 1 })]
    [InlineData("I dreamed", new[] { 1, 303, 281, 269, 435, 447, 328 })]
    [InlineData("Pixels", new[] { 1, 429, 470, 432, 458, 375, 431 })]
    public void EncodesReadmeExamples(string prompt, int[] expected) =>
        Assert.Equal(expected, Aidreams.Value.Encode(prompt));

    [Fact]
    public void OmitsBos_WhenSpecialTokensAreNotAdded() =>
        Assert.Equal([303, 281, 269, 435, 447, 328], Aidreams.Value.Encode("I dreamed", addSpecialTokens: false));

    /// <summary>run.c prints BOS's successor without its leading space and every other piece as is, so the whole
    /// sequence decodes to BOS + prompt + generated text (the fixture's <c>text</c>).</summary>
    [Fact]
    public void DecodesGeneration_AsRunCPrintsIt()
    {
        foreach (var c in GreedyCases())
        {
            var tokens = c.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var prompt = c.GetProperty("prompt").GetString()!;
            var text = c.GetProperty("text").GetString()!;
            Assert.Equal("\n<s>\n" + prompt + text, Aidreams.Value.Decode(tokens));
            // Skipping specials removes EOS's piece and nothing else.
            Assert.Equal((prompt + text).Replace("\n</s>\n", "", StringComparison.Ordinal),
                Aidreams.Value.Decode(tokens, skipSpecialTokens: true));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamsGeneration_ToTheSameTextAsDecode(bool skipSpecialTokens)
    {
        foreach (var c in GreedyCases())
        {
            var tokens = c.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var detokenizer = Aidreams.Value.CreateDetokenizer(skipSpecialTokens);
            var streamed = string.Concat(tokens.Select(detokenizer.Add)) + detokenizer.Finish();
            Assert.Equal(Aidreams.Value.Decode(tokens, skipSpecialTokens), streamed);
        }
    }

    [Fact]
    public void MarksBosAndEosSpecial()
    {
        Assert.True(Aidreams.Value.IsSpecial(1));
        Assert.True(Aidreams.Value.IsSpecial(2));
        Assert.False(Aidreams.Value.IsSpecial(429));
        Assert.Equal(512, Aidreams.Value.VocabSize);
        Assert.Equal("\n</s>\n", Aidreams.Value.IdToToken(2));
    }
}
