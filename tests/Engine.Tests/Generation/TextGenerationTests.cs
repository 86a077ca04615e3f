using Engine.Generation;
using Engine.Model;
using Engine.Sampling;
using Engine.Scheduling;
using Engine.Tests.Model;
using Engine.Tokenization;

namespace Engine.Tests.Generation;

/// <summary>
/// The text-level API on the converted aidreams260K model and its tokenizer: seeded sampling through the real
/// SequenceSampler, stop strings cut by the OutputProcessor, n / best_of.
/// </summary>
public sealed class TextGenerationTests
{
    private static readonly Lazy<ModelCheckpoint> Checkpoint = new(Aidreams260KModel.Open);
    private static readonly Lazy<Tokenizer> AidreamsTokenizer = new(() => Tokenizer.FromDirectory(Aidreams260KModel.Directory));

    private static LlmEngine Aidreams(int maxNumSeqs = 8) =>
        LlmEngine.Create(Checkpoint.Value.Config, Checkpoint.Value.Weights, new EngineOptions { Threads = 2, MaxNumSeqs = maxNumSeqs }, AidreamsTokenizer.Value);

    private static int[] Prompt(string text) => AidreamsTokenizer.Value.Encode(text);

    private static async Task<List<RequestOutput>> Run(LlmEngine engine, EngineRequest request)
    {
        var outputs = new List<RequestOutput>();
        await foreach (var output in engine.GenerateAsync(request))
        {
            outputs.Add(output);
        }
        return outputs;
    }

    private static int[] Tokens(IEnumerable<RequestOutput> outputs, int choice = 0) =>
        [.. outputs.Where(o => o.Choice == choice).SelectMany(o => o.TokenIds)];

    private static string Text(IEnumerable<RequestOutput> outputs, int choice = 0) =>
        string.Concat(outputs.Where(o => o.Choice == choice).Select(o => o.Text));

    // The draw of step t uses u(seed, choice, t) only, so neighbours in the batch (and their different lengths, which
    // change the batch shape every step) cannot change a seeded sequence.
    [Fact]
    public async Task SeededSampling_GivesTheSameTokens_AloneAndInABatchOfFour()
    {
        using var engine = Aidreams();
        var sampling = new SamplingParams { Temperature = 0.9f, TopP = 0.95f, Seed = 7, IgnoreEos = true }.Validate();
        var request = new EngineRequest(Prompt("The cat"), sampling, 40);
        var alone = Tokens(await Run(engine, request));

        var others = new[] { ("Pixels", 1L), ("I dreamed of a", 2L), ("Once", 3L) }
            .Select(o => Run(engine, new EngineRequest(Prompt(o.Item1), sampling with { Seed = o.Item2 }, 25 + (int)o.Item2 * 7)));
        var batched = Run(engine, request);
        await Task.WhenAll([.. others, batched]);

        Assert.Equal(40, alone.Length);
        Assert.Equal(alone, Tokens(await batched));
        Assert.Equal(engine.Core.NumBlocks, engine.Core.NumFreeBlocks);
    }

    // A stop string that starts inside one token's text and ends inside the next one's cuts the text exactly at the
    // match (or after it with include_stop_str_in_output); the expectation is the unstopped greedy text, cut by hand.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StopStringSpanningTokens_CutsTheTextExactly(bool include)
    {
        using var engine = Aidreams();
        var greedy = new SamplingParams { Temperature = 0f, IgnoreEos = true }.Validate();
        var prompt = Prompt("Pixels");
        var full = await Run(engine, new EngineRequest(prompt, greedy, 60));
        var text = Text(full);
        // the first boundary after 10 characters between two tokens of at least 2 characters each
        var boundary = 0;
        string? stop = null;
        for (var i = 0; i + 1 < full.Count; i++)
        {
            boundary += full[i].Text.Length;
            if (boundary >= 10 && full[i].Text.Length >= 2 && full[i + 1].Text.Length >= 2)
            {
                stop = text.Substring(boundary - 2, 4);
                break;
            }
        }
        Assert.NotNull(stop);
        var at = text.IndexOf(stop, StringComparison.Ordinal);

        var outputs = await Run(engine, new EngineRequest(prompt, greedy with { Stop = [stop], IncludeStopStrInOutput = include }, 60));

        Assert.Equal(include ? text[..(at + stop.Length)] : text[..at], Text(outputs));
        Assert.Equal(FinishReason.Stop, outputs[^1].FinishReason);
        Assert.Equal(stop, outputs[^1].StopString);
        Assert.Single(outputs, o => o.FinishReason is not null);
        // the hit aborts the sequence; the core frees its blocks at its next step
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (engine.Core.NumFreeBlocks != engine.Core.NumBlocks || engine.Core.NumUnfinishedRequests != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "blocks not freed within 30 s");
            await Task.Delay(10);
        }
    }

    // n = 3 with one seed: choice i uses (seed, i); with a list of seeds, choice i uses (seeds[i], 0), which is what a
    // single request with seed = seeds[i] uses, so each list choice must equal that lone run.
    [Fact]
    public async Task NChoices_AreReproducible_AndListSeedsMatchLoneRuns()
    {
        using var engine = Aidreams();
        var prompt = Prompt("I dreamed");
        var sampling = new SamplingParams { Temperature = 1f, N = 3, BestOf = 3, Seed = 11, IgnoreEos = true }.Validate();
        var first = await Run(engine, new EngineRequest(prompt, sampling, 20));
        var second = await Run(engine, new EngineRequest(prompt, sampling, 20));
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(20, Tokens(first, c).Length);
            Assert.Equal(Tokens(first, c), Tokens(second, c));
        }
        Assert.True(Tokens(first, 0).SequenceEqual(Tokens(first, 1)) is false || Tokens(first, 1).SequenceEqual(Tokens(first, 2)) is false,
            "three choices at temperature 1 should not all be identical");

        var listed = await Run(engine, new EngineRequest(prompt, sampling with { Seed = null, Seeds = [5, 6, 7] }, 20));
        for (var c = 0; c < 3; c++)
        {
            var lone = await Run(engine, new EngineRequest(prompt, sampling with { N = 1, BestOf = 1, Seed = 5 + c }, 20));
            Assert.Equal(Tokens(lone), Tokens(listed, c));
            Assert.Equal(5 + c, listed.First(o => o.Choice == c).Seed);
        }
    }

    // best_of = 3, n = 1 runs the same three sequences as n = 3 (same seed) and returns the one with the highest
    // cumulative log-probability (§8.4).
    [Fact]
    public async Task BestOf_ReturnsTheSequenceWithTheHighestCumulativeLogprob()
    {
        using var engine = Aidreams();
        var prompt = Prompt("Once");
        var all = new SamplingParams { Temperature = 1f, N = 3, BestOf = 3, Seed = 3, IgnoreEos = true }.Validate();
        var three = await Run(engine, new EngineRequest(prompt, all, 15));
        var scores = Enumerable.Range(0, 3).Select(c => three.Last(o => o.Choice == c).CumulativeLogprob).ToArray();
        var best = Array.IndexOf(scores, scores.Max());

        var outputs = await Run(engine, new EngineRequest(prompt, all with { N = 1 }, 15));

        var only = Assert.Single(outputs);
        Assert.Equal(0, only.Choice);
        Assert.Equal(Tokens(three, best), only.TokenIds);
        Assert.Equal(Text(three, best), only.Text);
        Assert.Equal(scores[best], only.CumulativeLogprob, 9);
    }

    [Fact]
    public async Task Logprobs_ReportTheSampledTokenAndSortedAlternatives()
    {
        using var engine = Aidreams();
        var sampling = new SamplingParams { Temperature = 0f, Logprobs = 3, IgnoreEos = true }.Validate();
        var outputs = await Run(engine, new EngineRequest(Prompt("Pixels"), sampling, 5));
        var logprobs = outputs.SelectMany(o => o.Logprobs!).ToList();
        Assert.Equal(5, logprobs.Count);
        foreach (var lp in logprobs)
        {
            Assert.Equal(3, lp.Top.Count);
            // greedy: the sampled token is the most likely one
            Assert.Equal(lp.Top[0].TokenId, lp.TokenId);
            Assert.Equal(lp.Top[0].Logprob, lp.Logprob);
            Assert.True(lp.Top[0].Logprob >= lp.Top[1].Logprob && lp.Top[1].Logprob >= lp.Top[2].Logprob);
        }
    }
}
