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
}
