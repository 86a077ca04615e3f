using Engine.Generation;
using Engine.KvCache;
using Engine.Sampling;
using Engine.Scheduling;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.Scheduling;

/// <summary>Scheduler tests without a model: hand-made runner outputs, as vLLM's test_scheduler.py.</summary>
public sealed class SchedulerTests
{
    private static readonly SamplerSetup Setup = new(64, []);

    // greedy with only the given stop tokens; the context limit is the scheduler's (int.MaxValue here)
    private static Request NewRequest(long id, int promptLength, int maxTokens = 100, int[]? stop = null)
    {
        var sampling = GenerationRequest.Greedy with { StopTokenIds = stop ?? [] };
        return new(new RequestId(id), Enumerable.Range(10, promptLength).ToArray(), SequenceSampler.Create(sampling, Setup, seed: 0),
            new StopConditions(sampling, [], maxTokens, int.MaxValue));
    }

    // What a runner would return: token `next` for every request whose known tokens are all computed after this step.
    private static ModelRunnerOutput Run(SchedulerOutput output, int next = 5)
    {
        var result = new ModelRunnerOutput(64);
        result.Reset(output.Scheduled.Count);
        for (var i = 0; i < output.Scheduled.Count; i++)
        {
            var (r, n) = output.Scheduled[i];
            if (r.NumComputedTokens + n == r.NumTokens)
            {
                result.Set(i, next);
            }
        }
        return result;
    }

    private static List<Request> Step(Scheduler scheduler, int next = 5)
    {
        var output = scheduler.Schedule();
        var finished = new List<Request>();
        scheduler.Update(output, Run(output, next), finished);
        return finished;
    }

    [Fact]
    public void SplitsPromptIntoChunks_UnderTheTokenBudget()
    {
        var kv = new KvCacheManager(16, 4);
        var scheduler = new Scheduler(new SchedulerConfig(8, 4, 64), kv);
        var request = NewRequest(1, 20);
        scheduler.Add(request);
        var sizes = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var output = scheduler.Schedule();
            sizes.Add(output.Scheduled.Single().NumTokens);
            scheduler.Update(output, Run(output), []);
        }
        Assert.Equal([8, 8, 4, 1], sizes);
        Assert.Equal(2, request.NumOutputTokens);   // sampled after the last chunk and after the decode
    }

    [Fact]
    public void MixesDecodeAndPrefillChunk_InOneStep()
    {
        var kv = new KvCacheManager(32, 4);
        var scheduler = new Scheduler(new SchedulerConfig(10, 4, 64), kv);
        var a = NewRequest(1, 3);
        scheduler.Add(a);
        Step(scheduler);
        var b = NewRequest(2, 30);
        scheduler.Add(b);
        var output = scheduler.Schedule();
        Assert.Equal([(a, 1), (b, 9)], output.Scheduled.Select(s => (s.Request, s.NumTokens)));
    }

    [Fact]
    public void NewWorkWaits_WhenBlocksRunOut_AndRunsAfterBlocksAreFreed()
    {
        var kv = new KvCacheManager(4, 4);     // 16 tokens in all
        var scheduler = new Scheduler(new SchedulerConfig(64, 4, 16), kv);
        var a = NewRequest(1, 10, maxTokens: 2);
        var b = NewRequest(2, 8, maxTokens: 1);
        scheduler.Add(a);
        scheduler.Add(b);
        var output = scheduler.Schedule();
        Assert.Equal([a], output.Scheduled.Select(s => s.Request));   // b needs 2 blocks, 1 is free
        scheduler.Update(output, Run(output), []);
        var finished = Step(scheduler);                                // a decodes its second token and finishes
        Assert.Equal([a], finished);
        Assert.Equal(FinishReason.Length, a.FinishReason);
        Assert.Equal(4, kv.NumFreeBlocks);
        output = scheduler.Schedule();
        Assert.Equal([b], output.Scheduled.Select(s => s.Request));
    }

    [Fact]
    public void PreemptsNewestRequest_WhenBlocksRunOut()
    {
        var kv = new KvCacheManager(4, 4);
        var scheduler = new Scheduler(new SchedulerConfig(64, 4, 16), kv);
        var a = NewRequest(1, 8);
        var b = NewRequest(2, 8);
        scheduler.Add(a);
        scheduler.Add(b);
        Step(scheduler);                  // both prefilled: 2 blocks each, pool full; each has 9 tokens now
        var output = scheduler.Schedule(); // a needs a 3rd block: b (newest) is preempted
        Assert.Equal([b], output.Preempted);
        Assert.Equal([a], output.Scheduled.Select(s => s.Request));
        Assert.Equal(RequestStatus.Waiting, b.Status);
        Assert.Equal(0, b.NumComputedTokens);
        Assert.Equal(9, b.NumTokens);     // its sampled token is kept and recomputed later
    }

    [Fact]
    public void Finishes_OnStopToken_KeepingItAsLastOutput_AndFreesBlocks()
    {
        var kv = new KvCacheManager(8, 4);
        var scheduler = new Scheduler(new SchedulerConfig(64, 4, 32), kv);
        var a = NewRequest(1, 5, stop: [7]);
        scheduler.Add(a);
        Step(scheduler, next: 3);
        var finished = Step(scheduler, next: 7);
        Assert.Equal([a], finished);
        Assert.Equal(FinishReason.Stop, a.FinishReason);
        Assert.Equal([3, 7], a.OutputTokenIds.ToArray());
        Assert.Equal(8, kv.NumFreeBlocks);
    }

    [Fact]
    public void Finishes_WithLength_WhenNextTokenWouldPassTheContext()
    {
        var kv = new KvCacheManager(8, 4);
        var scheduler = new Scheduler(new SchedulerConfig(64, 4, 12), kv);
        var a = NewRequest(1, 10);
        scheduler.Add(a);
        Step(scheduler);                          // 11 tokens
        var finished = Step(scheduler);           // 12 tokens: position 11 is the last one the model can run
        Assert.Empty(finished);
        finished = Step(scheduler);               // 13th token sampled from position 11; it cannot be fed
        Assert.Equal([a], finished);
        Assert.Equal(FinishReason.Length, a.FinishReason);
        Assert.Equal(13, a.NumTokens);
    }

    [Fact]
    public void Abort_FreesBlocks_OfRunningAndWaitingRequests()
    {
        var kv = new KvCacheManager(4, 4);
        var scheduler = new Scheduler(new SchedulerConfig(64, 4, 16), kv);
        scheduler.Add(NewRequest(1, 10));
        scheduler.Add(NewRequest(2, 10));
        Step(scheduler);
        Assert.True(scheduler.Abort(new RequestId(1)));
        Assert.True(scheduler.Abort(new RequestId(2)));
        Assert.False(scheduler.Abort(new RequestId(3)));
        Assert.Equal(4, kv.NumFreeBlocks);
        Assert.False(scheduler.HasUnfinishedRequests);
    }

    // Random workloads on a small cache: every step stays within the token budget and the sequence limit, the
    // pool stays consistent, every request finishes with exactly its max tokens, and all blocks come back.
    [Fact]
    public void EveryRequestFinishes_AndAllBlocksReturn_UnderRandomWorkloads()
    {
        Prop.ForAll<int[]>(spec =>
        {
            var kv = new KvCacheManager(6, 4);
            var scheduler = new Scheduler(new SchedulerConfig(7, 3, 24), kv);
            var maxTokens = spec.Take(8).Select(s => 1 + Math.Abs(s / 7 % 8)).ToArray();
            var requests = spec.Take(8).Select((s, i) => NewRequest(i, 1 + Math.Abs(s % 12), maxTokens[i])).ToList();
            requests.ForEach(scheduler.Add);
            for (var step = 0; step < 1000 && scheduler.HasUnfinishedRequests; step++)
            {
                var output = scheduler.Schedule();
                if (output.TotalNumScheduledTokens > 7 || output.Scheduled.Count > 3 || output.Scheduled.Count == 0)
                {
                    return false;
                }
                scheduler.Update(output, Run(output), []);
                if (kv.Pool.NumFree + kv.Pool.NumUsed != kv.Pool.NumBlocks)
                {
                    return false;
                }
            }
            return !scheduler.HasUnfinishedRequests
                && kv.NumFreeBlocks == 6
                && requests.Select((r, i) => r.FinishReason == FinishReason.Length && r.NumOutputTokens == Math.Min(maxTokens[i], 25 - r.NumPromptTokens)).All(ok => ok);
        }).QuickCheckThrowOnFailure();
    }
}
