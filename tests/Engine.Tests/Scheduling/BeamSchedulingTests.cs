using Engine.Generation;
using Engine.KvCache;
using Engine.Sampling;
using Engine.Scheduling;

namespace Engine.Tests.Scheduling;

/// <summary>Beams in the scheduler without a model: hand-made logits stand in for the runner.</summary>
public sealed class BeamSchedulingTests
{
    private const int Vocab = 64;

    // From the prompt, tokens 5 and 6 lead; after that each beam repeats its own last token, so the two beams never
    // share a parent again and hold separate blocks past the prompt.
    private static float[] Logits(Request beam)
    {
        var logits = new float[Vocab];
        if (beam.NumOutputTokens == 0)
        {
            logits[5] = 3f;
            logits[6] = 2.5f;
        }
        else
        {
            logits[beam.OutputTokenIds[^1]] = 12f;
        }
        return logits;
    }

    private static (Scheduler Scheduler, KvCacheManager Kv, BeamSearchGroup Group) Start(int numBlocks, int maxTokens)
    {
        var kv = new KvCacheManager(numBlocks, blockSize: 4);
        var scheduler = new Scheduler(new SchedulerConfig(MaxNumBatchedTokens: 64, MaxNumSeqs: 4, MaxModelLen: 16), kv);
        var sampling = GenerationRequest.Greedy with { IgnoreEos = true };
        var stop = new StopConditions(sampling, [], maxTokens, 16);
        var nextId = 100L;
        var group = new BeamSearchGroup(new BeamSearchConfig(BeamWidth: 2, N: 2, PromptLength: 6, MaxTokens: maxTokens, MaxModelLen: 16)
        {
            StopConditions = stop,
        }, () => new RequestId(++nextId), new SamplerWorkspace(Vocab));
        var root = new Request(new RequestId(1), [10, 11, 12, 13, 14, 15], SequenceSampler.Create(sampling, new SamplerSetup(Vocab, []), seed: 0), stop)
        {
            BeamGroup = group,
        };
        group.Attach(root);
        scheduler.Add(root);
        return (scheduler, kv, group);
    }

    // One step as the runner would do it: beams whose tokens are all computed record candidates instead of sampling.
    private static (SchedulerOutput Output, List<Request> Finished) Step(Scheduler scheduler)
    {
        var output = scheduler.Schedule();
        var result = new ModelRunnerOutput(8);
        result.Reset(output.Scheduled.Count);
        foreach (var (request, n) in output.Scheduled)
        {
            if (request.NumComputedTokens + n == request.NumTokens)
            {
                request.BeamGroup!.SetCandidates(request, Logits(request));
            }
        }
        var finished = new List<Request>();
        scheduler.Update(output, result, finished);
        return (output, finished);
    }

    [Fact]
    public void ForkedBeams_ShareThePromptBlocks_AndCopyThePartialLastBlockOnce()
    {
        var (scheduler, kv, group) = Start(numBlocks: 16, maxTokens: 6);
        Step(scheduler); // the prompt: 6 tokens in blocks 0 and 1, then two children fork from it
        Assert.Equal(2, group.Live.Count);
        var tables = group.Live.Select(b => kv.GetTable(b.Id.Value).Blocks.ToArray()).ToArray();
        Assert.Equal(tables[0], tables[1]);

        // each child writes position 6, inside block 1: the first to write gets a copy, the second then owns the original
        var (output, _) = Step(scheduler);
        var copy = Assert.Single(output.BlockCopies);
        Assert.Equal(tables[0][1], copy.Source);
        Assert.All(group.Live, b => Assert.Equal(tables[0][0], kv.GetTable(b.Id.Value).Blocks[0]));
    }

    // Four blocks: the two beams outgrow them, one is preempted, and the other idles on its candidates while holding
    // blocks; the scheduler must free the idle beam so that its sibling can compute, or nothing ever runs again.
    [Fact]
    public void FinishesTheSearch_WhenAnIdleBeamHoldsTheBlocksItsSiblingNeeds()
    {
        var (scheduler, kv, group) = Start(numBlocks: 4, maxTokens: 8);
        for (var step = 0; step < 60 && !group.IsDone; step++)
        {
            Step(scheduler);
        }
        Assert.True(group.IsDone);
        // each beam repeated its first token to max_tokens
        Assert.Equal([[5, 5, 5, 5, 5, 5, 5, 5], [6, 6, 6, 6, 6, 6, 6, 6]], group.Results.Select(r => r.Tokens.ToArray()));
        Assert.Equal(4, kv.NumFreeBlocks);
        Assert.False(scheduler.HasUnfinishedRequests);
    }
}
