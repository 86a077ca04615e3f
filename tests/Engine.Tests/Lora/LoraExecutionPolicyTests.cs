using Engine.Lora;

namespace Engine.Tests.Lora;

public sealed class LoraExecutionPolicyTests
{
    private readonly LoraExecutionPolicy _policy = new();

    [Fact]
    public void IsBase_WhenNoSequenceIsAdapted_OrEveryMultiplierIsZero()
    {
        Assert.Equal(LoraExecution.Base, _policy.Decide([], []));
        Assert.Equal(LoraExecution.Base, _policy.Decide([-1, -1], [0f, 0f]));
        Assert.Equal(LoraExecution.Base, _policy.Decide([3, -1], [0f, 0f]));
    }

    [Fact]
    public void IsMerged_WhenEverySequenceRunsTheSameAdapterAndMultiplier()
    {
        Assert.Equal(new LoraExecution(LoraExecutionMode.Merged, 2, 0.5f), _policy.Decide([2, 2, 2], [0.5f, 0.5f, 0.5f]));
    }

    [Theory]
    [InlineData(new[] { 2, 2 }, new[] { 0.5f, 2f })]   // one adapter, two multipliers
    [InlineData(new[] { 2, 1 }, new[] { 1f, 1f })]     // two adapters
    [InlineData(new[] { 2, -1 }, new[] { 1f, 0f })]    // a base sequence beside an adapted one
    [InlineData(new[] { 2, 2 }, new[] { 1f, 0f })]     // multiplier 0 is the base model
    public void IsUnmerged_WhenTheBatchMixesAdaptersMultipliersOrBase(int[] ids, float[] multipliers)
    {
        Assert.Equal(LoraExecution.Unmerged, _policy.Decide(ids, multipliers));
    }

    [Fact]
    public void IsUnmerged_ForAUniformBatch_WhenMergingIsNotAllowed()
    {
        Assert.Equal(LoraExecution.Unmerged, new LoraExecutionPolicy(allowMerged: false).Decide([1, 1], [1f, 1f]));
    }

    [Fact]
    public void Throws_WhenIdsAndMultipliersDifferInLength()
    {
        Assert.Throws<ArgumentException>(() => _policy.Decide([1, 1], [1f]));
    }

    [Fact]
    public void Next_MergesANewPair_OnlyAfterMergeAfterStepsUniformSteps()
    {
        var policy = new LoraExecutionPolicy(mergeAfterSteps: 3);
        var merged = new LoraExecution(LoraExecutionMode.Merged, 0, 2f);

        Assert.Equal(
            [LoraExecution.Unmerged, LoraExecution.Unmerged, merged, merged],
            Enumerable.Range(0, 4).Select(_ => policy.Next([0, 0], [2f, 2f])));
    }

    [Fact]
    public void Next_ReturnsToTheHeldPairAtOnce_AfterMixedOrBaseSteps()
    {
        var policy = new LoraExecutionPolicy(mergeAfterSteps: 2);
        _ = policy.Next([0], [2f]);
        Assert.Equal(LoraExecutionMode.Merged, policy.Next([0], [2f]).Mode);

        Assert.Equal(LoraExecution.Unmerged, policy.Next([0, -1], [2f, 0f]));
        Assert.Equal(LoraExecution.Base, policy.Next([-1], [0f]));
        Assert.Equal(new LoraExecution(LoraExecutionMode.Merged, 0, 2f), policy.Next([0], [2f]));
    }

    [Fact]
    public void Next_RestartsTheCount_WhenTheUniformPairChangesOrTheStreakBreaks()
    {
        var policy = new LoraExecutionPolicy(mergeAfterSteps: 2);

        Assert.Equal(LoraExecution.Unmerged, policy.Next([0], [2f]));
        Assert.Equal(LoraExecution.Unmerged, policy.Next([0], [4f]));        // another multiplier: a new pair
        Assert.Equal(LoraExecution.Unmerged, policy.Next([0, 1], [4f, 1f])); // mixed: the streak breaks
        Assert.Equal(LoraExecution.Unmerged, policy.Next([0], [4f]));
        Assert.Equal(new LoraExecution(LoraExecutionMode.Merged, 0, 4f), policy.Next([0], [4f]));
    }

    [Fact]
    public void Next_NeverMerges_WhenMergingIsNotAllowed()
    {
        var policy = new LoraExecutionPolicy(allowMerged: false, mergeAfterSteps: 1);

        Assert.All(Enumerable.Range(0, 3).Select(_ => policy.Next([1], [1f])), d => Assert.Equal(LoraExecution.Unmerged, d));
    }
}
