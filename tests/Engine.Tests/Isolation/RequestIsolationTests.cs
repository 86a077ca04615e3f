using System.Threading.Channels;
using Engine.Generation;
using Engine.Model;
using Engine.Sampling;
using Engine.Scheduling;

namespace Engine.Tests.Isolation;

/// <summary>
/// One request that fails on the engine thread ends alone (issue 13): it used to abort every in-flight request of
/// the model (EngineCore.FailAll). The expectation for the healthy requests is each one's own output run alone.
/// </summary>
public sealed class RequestIsolationTests
{
    private const int Healthy = 6;
    private const int Tokens = 24;

    private static LlmEngine Create() =>
        LlmEngine.Create(BuiltinModel.Config, BuiltinModel.CreateWeights(), new EngineOptions { Threads = 2, MaxNumSeqs = 8 });

    private static GenerationRequest HealthyRequest(int i) =>
        new([1, 40 + i, 50 + i], Tokens) { Sampling = new SamplingParams { Temperature = 0.8f, IgnoreEos = true }, Seed = 100 + i };

    // A sampler built for another vocabulary width: the runner hands it the model's row and it throws while
    // sampling, on the core thread, in the middle of a batch; a stand-in for any sampler bug a value could reach.
    private static (Request Request, ChannelReader<GenerationOutput> Reader) Poisoned(LlmEngine engine, long id)
    {
        var p = new SamplingParams { Temperature = 1f, IgnoreEos = true };
        var sampler = new SequenceSampler(new SamplerChain(p, new SamplerSetup(BuiltinModel.Config.VocabSize + 1, [])), 1, 0);
        var request = new Request(new RequestId(id), [1, 2, 3], sampler, new StopConditions(p, [], Tokens, BuiltinModel.Config.MaxContext + 1));
        var channel = Channel.CreateUnbounded<GenerationOutput>();
        engine.Core.Add(request, channel.Writer);
        return (request, channel.Reader);
    }

    private static async Task<int[]> RunAsync(LlmEngine engine, GenerationRequest request)
    {
        var ids = new List<int>();
        await foreach (var o in engine.GenerateAsync(request))
        {
            ids.Add(o.TokenId);
        }
        return [.. ids];
    }

    [Fact]
    public async Task PoisonedRequest_FailsAlone_AndSixHealthyStreamsFinishIntact()
    {
        using var engine = Create();
        var alone = new int[Healthy][];
        for (var i = 0; i < Healthy; i++)
        {
            alone[i] = await RunAsync(engine, HealthyRequest(i));
        }

        // the six start first, so the poisoned request joins a running batch; a second poison arrives later
        var runs = Enumerable.Range(0, Healthy).Select(i => RunAsync(engine, HealthyRequest(i))).ToArray();
        var (first, firstReader) = Poisoned(engine, 1_000_001);
        var (second, secondReader) = Poisoned(engine, 1_000_002);
        var together = await Task.WhenAll(runs);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => firstReader.Completion);
        Assert.Equal(first.Id, error.Id);
        Assert.IsType<ArgumentException>(error.InnerException);
        await Assert.ThrowsAsync<RequestFailedException>(() => secondReader.Completion);
        Assert.Equal(FinishReason.Abort, second.FinishReason);
        for (var i = 0; i < Healthy; i++)
        {
            Assert.Equal(alone[i], together[i]);
        }
        // the engine keeps serving, and the failed requests gave their blocks back
        Assert.Equal(alone[0], await RunAsync(engine, HealthyRequest(0)));
        Assert.Equal(engine.Core.NumBlocks, engine.Core.NumFreeBlocks);
    }

    [Fact]
    public async Task ExtremeButFiniteSamplerValues_GenerateInsteadOfFailing()
    {
        // repetition_penalty 1e-45 divides logits into +inf, smoothing_curve 1e38 multiplies them into NaN: both used
        // to crash the categorical draw; saturated logits and a finite final distribution keep them valid requests.
        using var engine = Create();
        SamplingParams[] extremes =
        [
            new() { Temperature = 1f, RepetitionPenalty = 1e-45f, IgnoreEos = true },
            new() { Temperature = 1f, SmoothingFactor = 1f, SmoothingCurve = 1e38f, IgnoreEos = true },
            new() { Temperature = 3e38f, IgnoreEos = true },
            // skew bends the cumulative mass by e^skew: at 1e38 a cumulative sum rounded above 1 became +inf, and ranking
            // the top logprobs of that distribution never ended (it hung the engine thread)
            new() { Temperature = 1f, Skew = 1e38f, IgnoreEos = true, Logprobs = 3 },
            new() { Temperature = 1f, MirostatMode = 2, MirostatTau = 3e38f, MirostatEta = 3e38f, IgnoreEos = true, Logprobs = 3 },
        ];
        foreach (var p in extremes)
        {
            var ids = await RunAsync(engine, new GenerationRequest([1, 5, 7, 5, 7], 12) { Sampling = p.Validate(), Seed = 3 });
            Assert.Equal(12, ids.Length);
            Assert.All(ids, id => Assert.InRange(id, 0, BuiltinModel.Config.VocabSize - 1));
        }
    }
}
