using System.Text.Json;
using ConvertTool.Gguf;
using Engine.Model;
using Engine.Tests.Model;
using Engine.Tokenization;
using Tests.Common;

namespace Engine.Tests.Gguf;

/// <summary>
/// GGUF files written by <c>convert gguf</c>, loaded in llama.cpp (LLamaSharp 0.30.0, CPU): llama.cpp must
/// tokenize and decode greedily like the references. aidreams260K (SentencePiece-style vocabulary, MHA) is checked
/// against llama2.c's run.c fixtures; a random GQA model over the Llama 3 byte-level BPE vocabulary against our own
/// engine on the same weights and Hugging Face's tokenizer cases.
/// </summary>
public sealed class LlamaCppGgufTests
{
    private const int Bos = 1;

    private static readonly Lazy<string> AidreamsF32 = new(() =>
    {
        var path = Export(Aidreams260KModel.Directory, GgmlType.F32);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);   // shared by the tests of this run
        return path;
    });

    public static TheoryData<int> GreedyCases => Aidreams260KTests.GreedyCases;

    [Theory]
    [MemberData(nameof(GreedyCases))]
    public void Aidreams_LlamaCppTokenizesPromptLikeRunC(int index)
    {
        var record = Aidreams260KTests.ReadJsonl("aidreams260K-greedy.jsonl")[index];
        using var llama = new LlamaCppModel(AidreamsF32.Value, contextSize: 256);

        Assert.Equal(Ints(record, "prompt_ids"), llama.Tokenize(record.GetProperty("prompt").GetString()!, addSpecial: true));
    }

    [Theory]
    [MemberData(nameof(GreedyCases))]
    public void Aidreams_LlamaCppGreedyTokensMatchRunC(int index)
    {
        var record = Aidreams260KTests.ReadJsonl("aidreams260K-greedy.jsonl")[index];
        using var llama = new LlamaCppModel(AidreamsF32.Value, contextSize: 256);

        // run.c feeds positions 0..steps-1 and stops when argmax is BOS: steps + 1 tokens at most
        var tokens = llama.Greedy(Ints(record, "prompt_ids"), record.GetProperty("steps").GetInt32() + 1, stopId: Bos);

        Assert.Equal(Ints(record, "tokens"), tokens);
    }

    [Theory]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.BF16)]
    [InlineData(GgmlType.Q8_0)]
    public void Aidreams_LowerPrecisionGgufLoads_AndStaysNearF32Logits(GgmlType type)
    {
        using var dir = new TempDirectory();
        var path = Export(Aidreams260KModel.Directory, type, dir.File("model.gguf"));
        var prompt = Ints(Aidreams260KTests.ReadJsonl("aidreams260K-greedy.jsonl")[1], "tokens")[..24];
        float[] reference, actual;
        using (var f32 = new LlamaCppModel(AidreamsF32.Value, contextSize: 64))
        {
            reference = f32.Logits(prompt);
        }
        using (var lower = new LlamaCppModel(path, contextSize: 64))
        {
            Assert.Equal(512, lower.VocabSize);
            actual = lower.Logits(prompt);
        }

        // Rounding the weights perturbs logits by about their precision times their size: bf16 keeps 8 mantissa
        // bits (2^-9 relative), Q8_0 a 1/254-of-block-maximum step, F16 11 bits. Over 24 positions of 4 layers
        // that stays well under 3% of the logit range (~25 here); a wrong layout or scale is off by the whole range.
        var range = reference.Max() - reference.Min();
        var worst = reference.Zip(actual, (r, a) => Math.Abs(r - a)).Max();
        Assert.InRange(worst, 0, 0.03 * range);
    }

    [Fact]
    public void RandomGqa_LlamaCppGreedyTokensMatchOurEngine()
    {
        using var model = new RandomGqaModelDirectory(seed: 11);
        var gguf = Export(model.Path, GgmlType.F32, model.File("model.gguf"));
        var tokenizer = Tokenizer.FromDirectory(model.Path);
        var prompt = tokenizer.Encode("The quick brown fox jumps over the lazy dog.", addSpecialTokens: false).Prepend(128000).ToArray();
        const int total = 48;

        using var checkpoint = ModelCheckpoint.Open(model.Path);
        using var harness = new ModelHarness(checkpoint.Config, checkpoint.Weights, blockSize: 16);
        var ours = new List<int>(prompt);
        var logits = harness.Step((0, prompt))[0];
        while (ours.Count < total)
        {
            ours.Add(ModelHarness.ArgMax(logits));
            logits = harness.Step((0, [ours[^1]]))[0];
        }

        using var llama = new LlamaCppModel(gguf, contextSize: 128);
        Assert.Equal(RandomGqaModelDirectory.Config.VocabSize, llama.VocabSize);
        Assert.Equal(ours, llama.Greedy(prompt, total));
    }

    [Fact]
    public void Llama3Vocabulary_LlamaCppTokenizesLikeHuggingFace()
    {
        using var model = new RandomGqaModelDirectory(seed: 12);
        var gguf = Export(model.Path, GgmlType.F32, model.File("model.gguf"));
        using var llama = new LlamaCppModel(gguf, contextSize: 32);
        var cases = File.ReadLines(SharedFiles.PathOf("fixtures", "tokenizers", "llama3", "cases.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(c => !c.GetProperty("add_special_tokens").GetBoolean())
            .ToList();
        Assert.NotEmpty(cases);

        var mismatches = cases
            .Select(c => (Text: c.GetProperty("text").GetString()!, Expected: Ints(c, "ids")))
            .Where(c => !c.Expected.SequenceEqual(llama.Tokenize(c.Text, addSpecial: false, parseSpecial: true)))
            .Select(c => JsonSerializer.Serialize(c.Text))
            .ToList();
        Assert.True(mismatches.Count == 0, $"llama.cpp tokenizes {mismatches.Count} of {cases.Count} texts differently: {string.Join(", ", mismatches.Take(5))}");
    }

    private static string Export(string hfDirectory, GgmlType type, string? path = null)
    {
        path ??= Path.Combine(Path.GetTempPath(), $"engine-tests-aidreams-{type}-{Environment.ProcessId}.gguf");
        GgufConversion.Run(new GgufConversionOptions(hfDirectory, path, type));
        return path;
    }

    private static int[] Ints(JsonElement record, string field) => [.. record.GetProperty(field).EnumerateArray().Select(e => e.GetInt32())];
}
