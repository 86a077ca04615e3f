using Engine.Generation;
using Engine.KvCache;
using Engine.Lora;
using Engine.Sampling;
using Engine.Scheduling;

namespace Engine.Tests.Scheduling;

/// <summary>The LoRA mode the scheduler picks per step follows the requests it schedules (LoraExecutionPolicy).</summary>
public sealed class SchedulerLoraTests
{
    private static readonly SamplerSetup Setup = new(64, []);

    private static Request NewRequest(long id, int loraId, float multiplier, int maxTokens)
    {
        var sampling = GenerationRequest.Greedy;
        return new Request(new RequestId(id), [10, 11, 12], SequenceSampler.Create(sampling, Setup, seed: 0), new StopConditions(sampling, [], maxTokens, int.MaxValue))
        {
            LoraId = loraId,
            LoraMultiplier = multiplier,
        };
    }

    // Runs one step, sampling token 5 for every request whose known tokens are all computed; returns the step's mode.
    private static LoraExecution Step(Scheduler scheduler)
    {
        var output = scheduler.Schedule();
        var result = new ModelRunnerOutput(8);
        result.Reset(output.Scheduled.Count);
        for (var i = 0; i < output.Scheduled.Count; i++)
        {
            var (r, n) = output.Scheduled[i];
            if (r.NumComputedTokens + n == r.NumTokens)
            {
                result.Set(i, 5);
            }
        }
        var lora = output.Lora;
        scheduler.Update(output, result, []);
        return lora;
    }

    [Fact]
    public void StepMode_MergesWhileAllShareOneAdapter_UnmergesWhileABaseRequestRuns_AndMergesAgainAfter()
    {
        var scheduler = new Scheduler(new SchedulerConfig(64, 4, 64), new KvCacheManager(32, 4));
        scheduler.Add(NewRequest(1, loraId: 0, multiplier: 2f, maxTokens: 6));
        scheduler.Add(NewRequest(2, loraId: 0, multiplier: 2f, maxTokens: 6));

        Assert.Equal(new LoraExecution(LoraExecutionMode.Merged, 0, 2f), Step(scheduler));   // both prefill
        scheduler.Add(NewRequest(3, loraId: -1, multiplier: 1f, maxTokens: 2));
        Assert.Equal(LoraExecution.Unmerged, Step(scheduler));   // base prefill beside two adapted decodes
        Assert.Equal(LoraExecution.Unmerged, Step(scheduler));   // base's last token
        Assert.Equal(new LoraExecution(LoraExecutionMode.Merged, 0, 2f), Step(scheduler));
    }

    [Fact]
    public void StepMode_IsUnmerged_WhenMultipliersDiffer_AndBase_WhenEveryMultiplierIsZero()
    {
        var mixed = new Scheduler(new SchedulerConfig(64, 4, 64), new KvCacheManager(32, 4));
        mixed.Add(NewRequest(1, loraId: 0, multiplier: 0.5f, maxTokens: 4));
        mixed.Add(NewRequest(2, loraId: 0, multiplier: 2f, maxTokens: 4));
        Assert.Equal(LoraExecution.Unmerged, Step(mixed));

        var zero = new Scheduler(new SchedulerConfig(64, 4, 64), new KvCacheManager(32, 4));
        zero.Add(NewRequest(1, loraId: 0, multiplier: 0f, maxTokens: 4));
        zero.Add(NewRequest(2, loraId: -1, multiplier: 1f, maxTokens: 4));
        Assert.Equal(LoraExecution.Base, Step(zero));
    }

    [Fact]
    public void StepMode_IsUnmerged_WhenThePolicyForbidsMerging()
    {
        var scheduler = new Scheduler(new SchedulerConfig(64, 4, 64), new KvCacheManager(32, 4), new LoraExecutionPolicy(allowMerged: false));
        scheduler.Add(NewRequest(1, loraId: 1, multiplier: 1f, maxTokens: 4));
        Assert.Equal(LoraExecution.Unmerged, Step(scheduler));
    }

    [Fact]
    public void StepMode_StaysUnmerged_UntilTheBatchHasRunOnePairForMergeAfterSteps()
    {
        var scheduler = new Scheduler(new SchedulerConfig(64, 4, 64), new KvCacheManager(32, 4), new LoraExecutionPolicy(mergeAfterSteps: 3));
        scheduler.Add(NewRequest(1, loraId: 0, multiplier: 1f, maxTokens: 8));

        var modes = Enumerable.Range(0, 5).Select(_ => Step(scheduler).Mode).ToArray();

        Assert.Equal([LoraExecutionMode.Unmerged, LoraExecutionMode.Unmerged, LoraExecutionMode.Merged, LoraExecutionMode.Merged, LoraExecutionMode.Merged], modes);
    }
}
