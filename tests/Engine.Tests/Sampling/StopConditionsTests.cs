using Engine.Sampling;

namespace Engine.Tests.Sampling;

public sealed class StopConditionsTests
{
    private static readonly int[] Eos = [2];

    [Fact]
    public void Eos_FinishesWithStop_AndDropsItsText()
    {
        var c = new StopConditions(new SamplingParams(), Eos, maxTokens: 10, maxModelLen: 100);
        Assert.Equal(new StopDecision(StopKind.Eos, null, false), c.Check(2, 1, 5));
        Assert.Equal("stop", c.Check(2, 1, 5).FinishReason);
    }

    [Fact]
    public void IgnoreEos_ContinuesPastEos()
    {
        var c = new StopConditions(new SamplingParams { IgnoreEos = true }, Eos, 10, 100);
        Assert.Equal(StopDecision.Continue, c.Check(2, 1, 5));
    }

    [Fact]
    public void StopTokenId_FinishesWithItsIdAsReason_KeepsTextWhenIncluded()
    {
        var c = new StopConditions(new SamplingParams { StopTokenIds = [7], IncludeStopStrInOutput = true }, Eos, 10, 100);
        Assert.Equal(new StopDecision(StopKind.StopToken, 7, true), c.Check(7, 3, 5));
    }

    [Fact]
    public void FriendliEosToken_ActsAsEos() =>
        Assert.Equal(StopKind.Eos, new StopConditions(new SamplingParams { EosTokenIds = [9] }, Eos, 10, 100).Check(9, 1, 0).Kind);

    [Fact]
    public void BelowMinTokens_NothingIsChecked()
    {
        var c = new StopConditions(new SamplingParams { MinTokens = 3, StopTokenIds = [7] }, Eos, 10, 100);
        Assert.Equal(StopDecision.Continue, c.Check(2, 2, 5));
        Assert.Equal(StopDecision.Continue, c.Check(7, 2, 5));
        Assert.False(c.CheckStopStrings(2));
        Assert.True(c.CheckStopStrings(3));
        Assert.Equal(StopKind.Eos, c.Check(2, 3, 5).Kind);
    }

    [Fact]
    public void MaxTokensAndContextLimit_FinishWithLength()
    {
        var c = new StopConditions(new SamplingParams(), Eos, maxTokens: 4, maxModelLen: 10);
        Assert.Equal(StopKind.None, c.Check(5, 3, 5).Kind);
        Assert.Equal("length", c.Check(5, 4, 5).FinishReason);
        Assert.Equal(StopKind.Length, c.Check(5, 2, 8).Kind);
    }
}
