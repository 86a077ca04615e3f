using Engine.Generation;
using Engine.Scheduling;
using Engine.Tests.Model;

namespace Engine.Tests.Generation;

public sealed class LlmEngineTests
{
    private const int Bos = 1;

    private static readonly Engine.Sampling.SamplingParams NoEos = GenerationRequest.Greedy with { IgnoreEos = true };

    private static readonly Lazy<Engine.Model.ModelCheckpoint> Checkpoint = new(Aidreams260KModel.Open);

    private static LlmEngine Aidreams(EngineOptions options) =>
        LlmEngine.Create(Checkpoint.Value.Config, Checkpoint.Value.Weights, options);

    // All 8 run.c cases submitted at once: with a 32-token step budget (chunked prefill mixed with decodes) and a
    // cache of only two full contexts (so requests are preempted and recomputed), every sequence must still be
    // exactly run.c's greedy output. llama2.c stops on BOS (not EOS) and runs `steps` positions.
    [Fact]
    public async Task ConcurrentRequests_ReproduceRunCGreedyTokens_WithChunkingAndPreemption()
    {
        using var engine = Aidreams(new EngineOptions { Threads = 2, MaxNumBatchedTokens = 32, MaxNumSeqs = 8, KvCacheTokens = 256 });
        var cases = Aidreams260KTests.ReadJsonl("aidreams260K-greedy.jsonl");
        var runs = cases.Select(async record =>
        {
            var prompt = record.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var steps = record.GetProperty("steps").GetInt32();
            var request = new GenerationRequest(prompt, MaxTokens: steps + 1 - prompt.Length) { Sampling = GenerationRequest.Greedy with { StopTokenIds = [Bos], IgnoreEos = true } };
            var outputs = new List<GenerationOutput>();
            await foreach (var output in engine.GenerateAsync(request))
            {
                outputs.Add(output);
            }
            return (record, prompt, outputs);
        }).ToList();

        foreach (var (record, prompt, outputs) in await Task.WhenAll(runs))
        {
            var expected = record.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var stop = record.GetProperty("stop").GetString();
            var last = outputs[^1];
            Assert.Equal(stop == "bos" ? FinishReason.Stop : FinishReason.Length, last.FinishReason);
            Assert.All(outputs.SkipLast(1), o => Assert.Null(o.FinishReason));
            var generated = outputs.Select(o => o.TokenId).ToList();
            if (last.FinishReason == FinishReason.Stop)
            {
                Assert.Equal(Bos, generated[^1]);
                generated.RemoveAt(generated.Count - 1);
            }
            Assert.Equal(expected, prompt.Concat(generated));
        }
        Assert.Equal(engine.Core.NumBlocks, engine.Core.NumFreeBlocks);
    }

    [Fact]
    public async Task Cancellation_AbortsTheRequest_AndFreesItsBlocks()
    {
        // a random model with a long context, so the request is still far from its 4000 tokens when cancelled
        var config = ModelShapes.Get("gqa-untied") with { MaxContext = 4096 };
        using var engine = LlmEngine.Create(config, Engine.Model.RandomWeights.Create(config, 3), new EngineOptions { Threads = 1 });
        using var cts = new CancellationTokenSource();
        var reader = engine.Submit(new GenerationRequest([1, 2], MaxTokens: 4000) { Sampling = NoEos }, cts.Token);
        for (var i = 0; i < 3; i++)
        {
            await reader.ReadAsync();
        }
        await cts.CancelAsync();
        var rest = new List<GenerationOutput>();
        await foreach (var o in reader.ReadAllAsync().WithCancellation(CancellationToken.None))
        {
            rest.Add(o);
        }
        Assert.DoesNotContain(rest, o => o.FinishReason is not null);
        await WaitUntil(() => engine.Core.NumUnfinishedRequests == 0 && engine.Core.NumFreeBlocks == engine.Core.NumBlocks);
    }

    [Fact]
    public async Task BreakingOutOfTheStream_AbortsTheRequest()
    {
        using var engine = Aidreams(new EngineOptions { Threads = 1 });
        var count = 0;
        await foreach (var _ in engine.GenerateAsync(new GenerationRequest([1], MaxTokens: 1000) { Sampling = NoEos }))
        {
            if (++count == 2)
            {
                break;
            }
        }
        await WaitUntil(() => engine.Core.NumUnfinishedRequests == 0 && engine.Core.NumFreeBlocks == engine.Core.NumBlocks);
    }

    [Fact]
    public async Task StopsWithLength_AfterMaxTokens()
    {
        using var engine = Aidreams(new EngineOptions { Threads = 1 });
        var outputs = new List<GenerationOutput>();
        await foreach (var o in engine.GenerateAsync(new GenerationRequest([1, 429], MaxTokens: 5) { Sampling = NoEos }))
        {
            outputs.Add(o);
        }
        Assert.Equal(5, outputs.Count);
        Assert.Equal(FinishReason.Length, outputs[^1].FinishReason);
    }

    [Fact]
    public void Submit_Throws_WhenPromptExceedsTheContext()
    {
        using var engine = Aidreams(new EngineOptions { Threads = 1 });
        var error = Assert.Throws<PromptTooLongException>(() => engine.Submit(new GenerationRequest(new int[129], 1)));
        Assert.Equal(128, error.MaxContext);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 30 s");
            await Task.Delay(10);
        }
    }
}
