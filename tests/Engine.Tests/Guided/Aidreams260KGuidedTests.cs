using System.Text.Json;
using Engine.Generation;
using Engine.Model;
using Engine.Sampling;
using Engine.Tests.Model;
using Engine.Tokenization;

namespace Engine.Tests.Guided;

/// <summary>
/// Guided decoding through the whole engine (scheduler, runner, SequenceSampler, detokenizer) on the real
/// aidreams260K weights and tokenizer: a model that writes dream stories must still emit conforming JSON.
/// </summary>
public sealed class Aidreams260KGuidedTests
{
    private static readonly Lazy<ModelCheckpoint> Checkpoint = new(Aidreams260KModel.Open);
    private static readonly Lazy<Tokenizer> AidreamsTokenizer = new(() => Tokenizer.FromDirectory(Aidreams260KModel.Directory));

    private static async Task<(string Text, string? Finish)> Generate(SamplingParams sampling, string prompt, int maxTokens)
    {
        using var engine = LlmEngine.Create(Checkpoint.Value.Config, Checkpoint.Value.Weights, new EngineOptions { Threads = 2, MaxNumSeqs = 4 }, AidreamsTokenizer.Value);
        var text = "";
        string? finish = null;
        await foreach (var output in engine.GenerateAsync(new EngineRequest(AidreamsTokenizer.Value.Encode(prompt), sampling.Validate(), maxTokens)))
        {
            text += output.Text;
            finish = output.FinishReason?.ToString() ?? finish;
        }
        return (text, finish);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(2L)]
    [InlineData(3L)]
    public async Task JsonSchema_OnTheRealModel_GivesConformingJson(long seed)
    {
        var schema = """{"type":"object","properties":{"mood":{"enum":["calm","wild"]},"count":{"type":"integer"},"title":{"type":"string","maxLength":12}},"required":["mood","count","title"],"additionalProperties":false}""";
        var (text, finish) = await Generate(new SamplingParams { GuidedJson = schema, GuidedWhitespacePattern = " ?", Temperature = 0.8f, Seed = seed }, "I dreamed", 120);
        Assert.True(finish is not null && finish.Contains("Stop", StringComparison.OrdinalIgnoreCase), $"finish {finish}: {text}");
        using var doc = JsonDocument.Parse(text);
        using var schemaDoc = JsonDocument.Parse(schema);
        var why = SchemaChecker.Check(schemaDoc.RootElement, doc.RootElement, schemaDoc.RootElement);
        Assert.True(why is null, $"{why} in {text}");
    }

    [Fact]
    public async Task BeamSearch_UnderAGuidedChoice_ReturnsOnlyChoices()
    {
        // beams fork and share one sampler, so the guided state replays each beam's own history
        using var engine = LlmEngine.Create(Checkpoint.Value.Config, Checkpoint.Value.Weights, new EngineOptions { Threads = 2, MaxNumSeqs = 8 }, AidreamsTokenizer.Value);
        string[] choices = ["a calm sea", "a wild sea", "the cat", "the dog barked"];
        var sampling = new SamplingParams { Temperature = 0f, N = 3, BestOf = 4, UseBeamSearch = true, GuidedChoice = choices }.Validate();
        var texts = new Dictionary<int, string>();
        await foreach (var output in engine.GenerateAsync(new EngineRequest(AidreamsTokenizer.Value.Encode("I dreamed of"), sampling, 30)))
        {
            texts[output.Choice] = texts.GetValueOrDefault(output.Choice, "") + output.Text;
        }
        // (several beams may spell the same choice with different tokenizations)
        Assert.Equal(3, texts.Count);
        Assert.All(texts.Values, t => Assert.Contains(t, choices));
    }

    [Fact]
    public async Task GuidedRegex_OnTheRealModel_MatchesFully()
    {
        var (text, _) = await Generate(new SamplingParams { GuidedRegex = "(Once|A) [a-z]+ (cat|dog)\\.", Temperature = 0.7f, Seed = 5 }, "Pixels", 60);
        Assert.Matches("^(Once|A) [a-z]+ (cat|dog)\\.$", text);
    }
}
