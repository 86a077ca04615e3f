using Engine.Generation;
using Engine.KvCache;
using Engine.Sampling;
using Engine.Scheduling;

namespace Engine.Tests.Scheduling;

/// <summary>The scheduler admits a request after its cached prefix (hand-made runner outputs, no model).</summary>
public sealed class SchedulerPrefixCacheTests
{
    private static readonly SamplerSetup Setup = new(64, []);

    private static Request NewRequest(long id, int promptLength, int loraId = -1, int promptLogprobs = -1) =>
        new(new RequestId(id), Enumerable.Range(10, promptLength).ToArray(), SequenceSampler.Create(GenerationRequest.Greedy, Setup, seed: 0),
            new StopConditions(GenerationRequest.Greedy, [], maxTokens: 1, int.MaxValue))
        {
            LoraId = loraId,
            NumPromptLogprobs = promptLogprobs,
        };

    // Runs the request alone to its end (one token), returning what its first step computed.
    private static int Serve(Scheduler scheduler, Request request)
    {
        scheduler.Add(request);
        var first = -1;
        while (request.Status != RequestStatus.Finished)
        {
            var output = scheduler.Schedule();
            var (scheduled, n) = output.Scheduled.Single();
            Assert.Same(request, scheduled);
            first = first < 0 ? n : first;
            var result = new ModelRunnerOutput(64);
            result.Reset(1);
            if (request.NumComputedTokens + n == request.NumTokens)
            {
                result.Set(0, 5);
            }
            scheduler.Update(output, result, []);
        }
        return first;
    }

    private static Scheduler NewScheduler(bool caching) =>
        new(new SchedulerConfig(MaxNumBatchedTokens: 64, MaxNumSeqs: 4, MaxModelLen: 64), new KvCacheManager(32, 4, caching));

    [Fact]
    public void AdmitsAfterTheCachedPrefix_ComputingOnlyTheRest()
    {
        var scheduler = NewScheduler(caching: true);
        Assert.Equal(18, Serve(scheduler, NewRequest(1, 18)));
        // 18 tokens: four full blocks cached; the second request computes tokens 16..18 (its own last token included)
        Assert.Equal(4, Serve(scheduler, NewRequest(2, 20)));
    }

    [Fact]
    public void ComputesEverything_WhenCachingIsOff()
    {
        var scheduler = NewScheduler(caching: false);
        Serve(scheduler, NewRequest(1, 18));
        Assert.Equal(20, Serve(scheduler, NewRequest(2, 20)));
    }

    [Fact]
    public void DoesNotShareKeysAndValues_AcrossLoraAdapters()
    {
        var scheduler = NewScheduler(caching: true);
        Serve(scheduler, NewRequest(1, 18, loraId: 0));
        Assert.Equal(20, Serve(scheduler, NewRequest(2, 20, loraId: 1)));
        Assert.Equal(20, Serve(scheduler, NewRequest(3, 20)));
        Assert.Equal(4, Serve(scheduler, NewRequest(4, 20, loraId: 0)));
    }

    [Fact]
    public void ComputesTheWholePrompt_WhenPromptLogprobsAreAsked()
    {
        var scheduler = NewScheduler(caching: true);
        Serve(scheduler, NewRequest(1, 18));
        Assert.Equal(20, Serve(scheduler, NewRequest(2, 20, promptLogprobs: 1)));
    }
}
