using Engine.Generation;
using Engine.Model;
using Engine.Sampling;
using Engine.Tests.Model;

namespace Engine.Tests.Generation;

/// <summary>
/// prompt_logprobs (samplers.md §10) against <see cref="ReferenceLlama"/>, the independent double-precision forward
/// pass fed the whole prompt: log_softmax of the raw logits at position p, read at prompt token p + 1.
/// </summary>
public sealed class PromptLogprobsTests
{
    private static readonly ModelConfig Tiny = ModelShapes.Get("gqa-untied");
    private static readonly Weights TinyWeights = RandomWeights.Create(Tiny, seed: 5);
    private static readonly int[] Prompt = [.. Enumerable.Range(0, 21).Select(i => (i * 13 + 2) % Tiny.VocabSize)];

    // float32 engine against double reference: logits agree to ~1e-6 (LlamaModelTests allows 1e-3 on logits), and a
    // log_softmax moves errors by at most twice that.
    private const double Tolerance = 2e-3;

    private static double[][] ReferenceLogprobs()
    {
        var reference = new ReferenceLlama(Tiny, TinyWeights);
        return [.. Prompt.Select(t =>
        {
            var logits = reference.Step(t);
            var max = logits.Max();
            var log = Math.Log(logits.Sum(x => Math.Exp(x - max)));
            return logits.Select(x => x - max - log).ToArray();
        })];
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

    // A step budget of 8 tokens splits the 21-token prompt into chunks, and 2 sequences per step make the engine
    // compute a chunk's 8 logit rows two at a time; a sampling neighbour shares the steps.
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task EqualLogSoftmaxOfTheReferenceForward_WithChunkedPrefill(int k)
    {
        var expected = ReferenceLogprobs();
        using var engine = LlmEngine.Create(Tiny, TinyWeights, new EngineOptions { Threads = 1, BlockSize = 4, MaxNumBatchedTokens = 8, MaxNumSeqs = 2 });
        var sampling = new SamplingParams { Temperature = 0f, PromptLogprobs = k, IgnoreEos = true }.Validate();
        var neighbour = Run(engine, new EngineRequest([5, 6, 7, 8, 9, 10, 11, 12, 13], GenerationRequest.Greedy with { IgnoreEos = true }, 6));
        var outputs = await Run(engine, new EngineRequest(Prompt, sampling, 3));
        await neighbour;

        var prompt = outputs[0].PromptLogprobs;
        Assert.NotNull(prompt);
        Assert.All(outputs.Skip(1), o => Assert.Null(o.PromptLogprobs));
        Assert.Equal(Prompt.Length, prompt.Count);
        Assert.Null(prompt[0]);
        for (var p = 1; p < Prompt.Length; p++)
        {
            var entry = prompt[p]!;
            var row = expected[p - 1];
            Assert.Equal(Prompt[p], entry.TokenId);
            Assert.Equal(row[Prompt[p]], entry.Logprob, Tolerance);
            Assert.Equal(1 + row.Count(x => x > row[Prompt[p]]), entry.Rank);
            var top = row.Select((x, id) => (x, id)).OrderByDescending(e => e.x).ThenBy(e => e.id).Take(k).ToArray();
            Assert.Equal(top.Select(e => e.id), entry.Top.Select(t => t.TokenId));
            Assert.All(entry.Top.Zip(top), pair => Assert.Equal(pair.Second.x, pair.First.Logprob, Tolerance));
        }
    }

    // The whole 21-token prompt in one chunk asks for 21 logit rows; with a prompt window of 8 rows the runner
    // computes, reports and samples them in windows of 8 (3 windows), so its host logits buffer stays 8 rows wide
    // (from MaxNumSeqs = 3 it widens to the window, not to the chunk), and the windows change nothing.
    [Fact]
    public async Task LogitsBufferStaysWithinThePromptWindow_WhenOneChunkAsksForEveryPromptRow()
    {
        var expected = ReferenceLogprobs();
        var options = new EngineOptions { Threads = 1, MaxNumBatchedTokens = 64, MaxNumSeqs = 3, PromptLogitsWindowBytes = 8 * sizeof(float) * Tiny.VocabSize };
        using var engine = LlmEngine.Create(Tiny, TinyWeights, options);
        var sampling = new SamplingParams { Temperature = 0f, PromptLogprobs = 1, IgnoreEos = true }.Validate();
        var neighbour = Run(engine, new EngineRequest([5, 6, 7, 8, 9, 10, 11, 12, 13], GenerationRequest.Greedy with { IgnoreEos = true }, 4));
        var outputs = await Run(engine, new EngineRequest(Prompt, sampling, 3));
        await neighbour;

        Assert.Equal(8, engine.Core.Runner.LogitsCapacityRows);
        var prompt = outputs[0].PromptLogprobs!;
        for (var p = 1; p < Prompt.Length; p++)
        {
            Assert.Equal(expected[p - 1][Prompt[p]], prompt[p]!.Logprob, Tolerance);
        }
        // the token sampled from the chunk's last row (in the last window) is the reference's greedy choice
        var last = expected[^1];
        Assert.Equal(Array.IndexOf(last, last.Max()), outputs[0].TokenIds[0]);
    }

    // Prompt logprobs are the raw distribution: temperature and truncation change the sampled tokens' logprobs, not these.
    [Fact]
    public async Task IgnoreTheSamplers_AndComeWithBeamSearchToo()
    {
        using var engine = LlmEngine.Create(Tiny, TinyWeights, new EngineOptions { Threads = 1 });
        var plain = await Run(engine, new EngineRequest(Prompt, new SamplingParams { Temperature = 0f, PromptLogprobs = 2 }.Validate(), 2));
        var shaped = await Run(engine, new EngineRequest(Prompt,
            new SamplingParams { Temperature = 0.3f, TopK = 3, Seed = 1, PromptLogprobs = 2 }.Validate(), 2));
        var beams = await Run(engine, new EngineRequest(Prompt,
            new SamplingParams { Temperature = 0f, BestOf = 2, UseBeamSearch = true, PromptLogprobs = 2 }.Validate(), 2));
        static float[] Values(RequestOutput o) => [.. o.PromptLogprobs!.Skip(1).Select(e => e!.Logprob)];
        Assert.Equal(Values(plain[0]), Values(shaped[0]));
        Assert.Equal(Values(plain[0]), Values(beams[0]));
    }
}
