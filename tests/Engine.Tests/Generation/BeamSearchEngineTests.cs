using Engine.Generation;
using Engine.Model;
using Engine.Sampling;
using Engine.Scheduling;
using Engine.Tests.Model;

namespace Engine.Tests.Generation;

/// <summary>
/// Beam search served by the engine (forked beams on a shared, copy-on-write KV cache) against a beam search written
/// here from samplers.md §8.5 that scores every beam with a fresh forward pass over its whole sequence (no cache
/// sharing), on a tiny random-weight model.
/// </summary>
public sealed class BeamSearchEngineTests
{
    private static readonly ModelConfig Tiny = ModelShapes.Get("gqa-untied");
    private static readonly Weights TinyWeights = RandomWeights.Create(Tiny, seed: 11);
    private static readonly int[] Prompt = [3, 17, 42, 8, 25];

    // Float32 forward passes in a different batch layout, and the engine takes ln of float probabilities while the
    // reference log-softmaxes in double: a few 1e-6 per token, summed over at most 6 tokens.
    private const double CumulativeTolerance = 1e-4;

    private sealed record Expected(int[] Tokens, double Cumulative, FinishReason Finish);

    // §8.5, written out: expand each live beam by log_softmax of its logits, keep the best 2W pairs (cumulative
    // logprob, then parent, then token), finish on EOS or max_tokens, keep the W best finished by
    // cum / L^length_penalty (L = prompt + output, final EOS not counted), refill W live beams, stop by early_stopping.
    private static List<Expected> Reference(ModelHarness harness, int[] prompt, int width, int n, int maxTokens, int eos,
        float lengthPenalty, EarlyStopping early, int maxModelLen)
    {
        var nextSeq = 0;
        double Score(int[] tokens, double cum, int? length = null) =>
            cum / Math.Pow(length ?? prompt.Length + tokens.Length - (tokens[^1] == eos ? 1 : 0), lengthPenalty);
        var live = new List<(int[] Tokens, double Cum)> { ([], 0) };
        var finished = new List<(int[] Tokens, double Cum, double Score, FinishReason Finish)>();
        while (live.Count > 0)
        {
            var pairs = new List<(double Cum, int Parent, int Token)>();
            for (var b = 0; b < live.Count; b++)
            {
                var logits = harness.Step((nextSeq++, [.. prompt, .. live[b].Tokens]))[0];
                var logprobs = LogSoftmax(logits);
                for (var t = 0; t < logprobs.Length; t++)
                {
                    pairs.Add((live[b].Cum + logprobs[t], b, t));
                }
            }
            var best = pairs.OrderByDescending(x => x.Cum).ThenBy(x => x.Parent).ThenBy(x => x.Token).Take(2 * width);
            var next = new List<(int[] Tokens, double Cum)>();
            foreach (var (cum, parent, token) in best)
            {
                int[] tokens = [.. live[parent].Tokens, token];
                if (token == eos)
                {
                    finished.Add((tokens, cum, Score(tokens, cum), FinishReason.Stop));
                }
                else if (tokens.Length >= maxTokens)
                {
                    finished.Add((tokens, cum, Score(tokens, cum), FinishReason.Length));
                }
                else
                {
                    next.Add((tokens, cum));
                }
            }
            finished = [.. finished.OrderByDescending(f => f.Score)];
            var done = next.Count == 0;
            if (!done && finished.Count >= width)
            {
                var worst = finished[width - 1].Score;
                done = early switch
                {
                    EarlyStopping.True => true,
                    EarlyStopping.Never when lengthPenalty > 0 =>
                        worst >= Score(next[0].Tokens, next[0].Cum, Math.Max(prompt.Length + maxTokens, maxModelLen)),
                    _ => worst >= Score(next[0].Tokens, next[0].Cum),
                };
            }
            finished = [.. finished.Take(width)];
            live = done ? [] : [.. next.Take(width)];
        }
        return [.. finished.Take(n).Select(f => new Expected(f.Tokens, f.Cum, f.Finish))];
    }

    private static double[] LogSoftmax(float[] logits)
    {
        var max = logits.Max();
        var sum = logits.Sum(x => Math.Exp(x - max));
        return [.. logits.Select(x => x - max - Math.Log(sum))];
    }

    private static async Task<List<RequestOutput>> Run(LlmEngine engine, EngineRequest request)
    {
        var outputs = new List<RequestOutput>();
        await foreach (var output in engine.GenerateAsync(request))
        {
            outputs.Add(output);
        }
        return outputs;
    }

    // EOS is the second most likely first token, so a beam finishes at step one and the finished pool and the
    // stopping rules take part from the start.
    private static int SecondFirstToken(ModelHarness harness)
    {
        var logits = harness.Step((1_000_000, Prompt))[0];
        return logits.Select((x, i) => (x, i)).OrderByDescending(p => p.x).ElementAt(1).i;
    }

    public static TheoryData<float, EarlyStopping, int> Variants => new()
    {
        { 1f, EarlyStopping.True, 2 },
        { 1f, EarlyStopping.False, 2 },
        { 1f, EarlyStopping.Never, 3 },
        { 2f, EarlyStopping.Never, 2 },
        { 0.5f, EarlyStopping.False, 3 },
        { 0f, EarlyStopping.Never, 1 },
        { -1f, EarlyStopping.False, 2 },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task ReturnsTheBeamsOfAReferenceSearch_ForEachLengthPenaltyAndEarlyStopping(float lengthPenalty, EarlyStopping early, int n)
    {
        const int Width = 3;
        const int MaxTokens = 6;
        using var harness = new ModelHarness(Tiny, TinyWeights, maxSeqs: 64, threads: 1);
        var eos = SecondFirstToken(harness);
        var expected = Reference(harness, Prompt, Width, n, MaxTokens, eos, lengthPenalty, early, Tiny.MaxContext);

        using var engine = LlmEngine.Create(Tiny with { EosTokenIds = [eos] }, TinyWeights, new EngineOptions { Threads = 1, BlockSize = 4 });
        var sampling = new SamplingParams
        {
            Temperature = 0f, N = n, BestOf = Width, UseBeamSearch = true, LengthPenalty = lengthPenalty, EarlyStopping = early,
        }.Validate();
        var outputs = await Run(engine, new EngineRequest(Prompt, sampling, MaxTokens));

        Assert.Equal(expected.Count, outputs.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(i, outputs[i].Choice);
            Assert.Equal(expected[i].Tokens, outputs[i].TokenIds);
            Assert.Equal(expected[i].Cumulative, outputs[i].CumulativeLogprob, CumulativeTolerance);
            Assert.Equal(expected[i].Finish, outputs[i].FinishReason);
        }
        Assert.Equal(engine.Core.NumBlocks, engine.Core.NumFreeBlocks);
    }

    // Beams sharing blocks while other requests preempt them for a cache of two contexts: the same beams as alone.
    [Fact]
    public async Task GivesTheSameBeams_AloneAndBesideOtherRequestsUnderPreemption()
    {
        var options = new EngineOptions { Threads = 1, BlockSize = 4, MaxNumSeqs = 6, KvCacheTokens = 2 * Tiny.MaxContext, MaxNumBatchedTokens = 32 };
        var sampling = new SamplingParams { Temperature = 0f, N = 2, BestOf = 4, UseBeamSearch = true, IgnoreEos = true }.Validate();
        var request = new EngineRequest(Prompt, sampling, 12);
        List<RequestOutput> alone;
        using (var engine = LlmEngine.Create(Tiny, TinyWeights, options))
        {
            alone = await Run(engine, request);
        }
        using (var engine = LlmEngine.Create(Tiny, TinyWeights, options))
        {
            var greedy = GenerationRequest.Greedy with { IgnoreEos = true };
            var others = Enumerable.Range(0, 3).Select(i =>
                Run(engine, new EngineRequest([.. Enumerable.Range(1, 30 + i).Select(t => (t * 7 + i) % Tiny.VocabSize)], greedy, 30)));
            var beams = Run(engine, request);
            await Task.WhenAll([.. others, beams]);
            var together = await beams;
            Assert.Equal(alone.Select(o => o.TokenIds), together.Select(o => o.TokenIds));
            Assert.Equal(engine.Core.NumBlocks, engine.Core.NumFreeBlocks);
        }
        Assert.All(alone, o => Assert.Equal(12, o.TokenIds.Count));
    }

    // Four beams of 40 tokens in a cache of one context (17 blocks of 4): whatever preemption the beams cause, the
    // search ends with the beams of a roomy cache (BeamSchedulingTests forces the idle-beam case by hand).
    [Fact]
    public async Task Finishes_WhenTheBeamsOutgrowTheCache()
    {
        var options = new EngineOptions { Threads = 1, BlockSize = 4, MaxNumSeqs = 4, KvCacheTokens = Tiny.MaxContext };
        var sampling = new SamplingParams { Temperature = 0f, N = 4, BestOf = 4, UseBeamSearch = true, IgnoreEos = true }.Validate();
        var request = new EngineRequest(Prompt, sampling, 40);
        List<RequestOutput> roomy;
        using (var engine = LlmEngine.Create(Tiny, TinyWeights, options with { KvCacheTokens = null }))
        {
            roomy = await Run(engine, request);
        }
        using (var engine = LlmEngine.Create(Tiny, TinyWeights, options))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var outputs = new List<RequestOutput>();
            await foreach (var output in engine.GenerateAsync(request, timeout.Token))
            {
                outputs.Add(output);
            }
            Assert.Equal(roomy.Select(o => o.TokenIds), outputs.Select(o => o.TokenIds));
            Assert.Equal(engine.Core.NumBlocks, engine.Core.NumFreeBlocks);
        }
    }

    // W = 1 keeps only the best token each step: exactly greedy decoding. The engine requires W ≥ 2 (aph), so the
    // search's own bookkeeping is driven here by the model's rows.
    [Fact]
    public async Task WidthOne_EqualsGreedyDecoding()
    {
        using var harness = new ModelHarness(Tiny, TinyWeights, maxSeqs: 64, threads: 1);
        var seq = 0;
        var config = new BeamSearchConfig(BeamWidth: 1, N: 1, PromptLength: Prompt.Length, MaxTokens: 8, MaxModelLen: Tiny.MaxContext);
        var beam = BeamSearch.Run(config, beams =>
            [.. beams.Select(b => LogSoftmax(harness.Step((seq++, [.. Prompt, .. b]))[0]).Select(x => (float)x).ToArray())]);

        using var engine = LlmEngine.Create(Tiny, TinyWeights, new EngineOptions { Threads = 1 });
        var greedy = await Run(engine, new EngineRequest(Prompt, GenerationRequest.Greedy with { IgnoreEos = true }, 8));
        Assert.Equal(greedy.SelectMany(o => o.TokenIds), beam[0].Tokens);
    }

    // A stop string ends a beam like EOS does (samplers.md §8.5): the beam that produced it is finished, its text cut at
    // the start of the match (§9.3), stop_reason the string; no returned text contains the stop string.
    [Fact]
    public async Task StopStrings_FinishBeams_AndCutTheirText()
    {
        var checkpoint = Aidreams260KModel.Open();
        var tokenizer = Engine.Tokenization.Tokenizer.FromDirectory(Aidreams260KModel.Directory);
        using var engine = LlmEngine.Create(checkpoint.Config, checkpoint.Weights, new EngineOptions { Threads = 1 }, tokenizer);
        var prompt = tokenizer.Encode("Once upon a time");
        var beams = new SamplingParams { Temperature = 0f, N = 3, BestOf = 3, UseBeamSearch = true, IgnoreEos = true };
        var free = await Run(engine, new EngineRequest(prompt, beams.Validate(), 24));
        var best = free[0].Text;
        var stop = best.Substring(best.Length / 2, 3);

        var stopped = await Run(engine, new EngineRequest(prompt, (beams with { Stop = [stop], EarlyStopping = EarlyStopping.True }).Validate(), 24));

        Assert.All(stopped, o => Assert.DoesNotContain(stop, o.Text, StringComparison.Ordinal));
        var hit = Assert.Single(stopped, o => o.StopString == stop && o.Text == best[..best.IndexOf(stop, StringComparison.Ordinal)]);
        Assert.Equal(FinishReason.Stop, hit.FinishReason);
        Assert.StartsWith(hit.Text + stop, tokenizer.Decode([.. hit.TokenIds], skipSpecialTokens: true), StringComparison.Ordinal);
        Assert.Equal(engine.Core.NumBlocks, engine.Core.NumFreeBlocks);
    }

    [Fact]
    public async Task Throws_WhenTheBeamWidthExceedsTheSequencesPerStep()
    {
        using var engine = LlmEngine.Create(Tiny, TinyWeights, new EngineOptions { Threads = 1, MaxNumSeqs = 2 });
        var sampling = new SamplingParams { Temperature = 0f, BestOf = 3, UseBeamSearch = true }.Validate();
        var error = await Assert.ThrowsAsync<SamplingParamsException>(() => Run(engine, new EngineRequest(Prompt, sampling, 4)));
        Assert.Equal("best_of", error.Field);
    }
}
