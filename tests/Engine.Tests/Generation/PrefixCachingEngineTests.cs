using System.Text.Json;
using Engine.Generation;
using Engine.Model;
using Engine.Tests.Model;

namespace Engine.Tests.Generation;

/// <summary>
/// Prefix caching changes what is computed, never what comes out: every test serves the same requests with caching on
/// and off and compares the outputs bit for bit (greedy tokens with their logprobs, written as round-trip JSON).
/// The cached keys and values are exactly those a full prefill writes, since the CPU forward computes each row on
/// its own (no reduction across a step's rows), so chunk boundaries and batch neighbours do not change any bit.
/// </summary>
public sealed class PrefixCachingEngineTests
{
    private static readonly Lazy<ModelCheckpoint> Aidreams = new(Aidreams260KModel.Open);

    private static readonly Lazy<(ModelConfig Config, Weights Weights)> Tiny = new(() =>
    {
        var config = ModelShapes.Get("gqa-untied");
        return (config, RandomWeights.Create(config, seed: 41));
    });

    private static (ModelConfig Config, Weights Weights) Model(string name) =>
        name == "aidreams260K" ? (Aidreams.Value.Config, Aidreams.Value.Weights) : Tiny.Value;

    private static GenerationRequest Greedy(int[] prompt, int maxTokens) =>
        new(prompt, maxTokens) { Sampling = GenerationRequest.Greedy with { IgnoreEos = true, Logprobs = 2 } };

    private static async Task<string> Collect(LlmEngine engine, GenerationRequest request)
    {
        var outputs = new List<GenerationOutput>();
        await foreach (var output in engine.GenerateAsync(request))
        {
            outputs.Add(output);
        }
        return JsonSerializer.Serialize(outputs);
    }

    // a prompt of `shared` tokens common to every request, then `own` tokens that differ per request
    private static int[] Prompt(int vocab, int shared, int own, int salt) =>
        [.. Enumerable.Range(0, shared).Select(i => 2 + (i * 7 % (vocab - 2))), .. Enumerable.Range(0, own).Select(i => 2 + ((i + 3) * (salt + 5) % (vocab - 2)))];

    public static TheoryData<string, int, int> Shapes => new()
    {
        { "tiny-gqa", 4, 30 },
        { "aidreams260K", 16, 100 },
    };

    // The second request shares `shared` prompt tokens with the first, which has finished: its cached full blocks
    // within the shared part are reused, so it computes that many fewer prompt tokens, and both outputs are unchanged.
    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task SecondRequest_ReusesTheSharedPrefix_WithIdenticalOutputs(string model, int blockSize, int shared)
    {
        var (config, weights) = Model(model);
        var first = Greedy(Prompt(config.VocabSize, shared, 5, salt: 1), 8);
        var second = Greedy(Prompt(config.VocabSize, shared, 7, salt: 2), 8);
        var runs = new Dictionary<bool, (string First, string Second, long Hits, long Queries)>();
        foreach (var caching in new[] { false, true })
        {
            using var engine = LlmEngine.Create(config, weights, new EngineOptions { Threads = 2, BlockSize = blockSize, EnablePrefixCaching = caching });
            var a = await Collect(engine, first);
            var hitsBefore = engine.Core.PrefixCacheHitTokens;
            var b = await Collect(engine, second);
            runs[caching] = (a, b, engine.Core.PrefixCacheHitTokens - hitsBefore, engine.Core.PrefixCacheQueryTokens);
        }
        Assert.Equal(runs[false].First, runs[true].First);
        Assert.Equal(runs[false].Second, runs[true].Second);
        Assert.Contains("\"TopLogprobs\":[{", runs[true].Second, StringComparison.Ordinal);
        Assert.Equal(0, runs[false].Hits);
        Assert.Equal(0, runs[false].Queries);
        // the full blocks inside the shared tokens (the first request's differing tokens start after them)
        Assert.Equal(shared / blockSize * blockSize, runs[true].Hits);
        Assert.Equal(first.PromptTokenIds.Count + second.PromptTokenIds.Count, runs[true].Queries);
    }

    // Twelve requests over three shared prefixes arrive together, on a cache of little more than one full context with
    // a 24-token step budget: prompts are chunked, requests preempted and recomputed (hitting blocks they or others
    // cached), cached blocks evicted; a request asking for prompt logprobs computes its whole prompt. Every output
    // equals the caching-off output.
    [Theory]
    [InlineData("tiny-gqa", 4, 64)]
    [InlineData("aidreams260K", 16, 528)]
    public async Task ConcurrentSharedPrefixes_UnderKvPressure_GiveTheCachingOffOutputs(string model, int blockSize, int kvTokens)
    {
        var (config, weights) = Model(model);
        var shared = Math.Min(config.MaxContext / 2, 60);
        var requests = Enumerable.Range(0, 12).Select(i =>
        {
            var request = Greedy(Prompt(config.VocabSize, shared - 9 * (i % 3), 2 + i, salt: i), 6 + i % 4);
            return i == 5 ? request with { Sampling = request.Sampling with { PromptLogprobs = 1 } } : request;
        }).ToArray();
        var outputs = new Dictionary<bool, string[]>();
        long hits = 0;
        foreach (var caching in new[] { false, true })
        {
            using var engine = LlmEngine.Create(config, weights, new EngineOptions
            {
                Threads = 2, BlockSize = blockSize, MaxNumBatchedTokens = 24, MaxNumSeqs = 6, KvCacheTokens = kvTokens, EnablePrefixCaching = caching,
            });
            outputs[caching] = await Task.WhenAll(requests.Select(r => Collect(engine, r)));
            Assert.Equal(engine.Core.NumBlocks, engine.Core.NumFreeBlocks);
            hits = engine.Core.PrefixCacheHitTokens;
        }
        Assert.Equal(outputs[false], outputs[true]);
        Assert.True(hits > 0, "no request reused a cached prefix");
    }
}
