using Engine.Execution;

namespace Engine.Tests.Lora;

/// <summary>How <see cref="ForwardBatch"/> groups adapted rows into per-adapter segments.</summary>
public sealed class LoraSegmentTests
{
    [Fact]
    public void ConsecutiveSequencesOfOneAdapter_ShareASegment_AndBaseOrZeroRowsBreakNone()
    {
        var batch = new ForwardBatch(maxTokens: 32, maxSeqs: 8, maxBlocksPerSeq: 4, blockSize: 4);
        int[] blocks = [0, 1, 2, 3];
        batch.AddSequence([1, 2, 3], 0, blocks, computeLogits: true, loraId: 2, loraMultiplier: 0.5f); // rows 0..3
        batch.AddSequence([4], 5, blocks, computeLogits: true, loraId: 2, loraMultiplier: 2f);          // row 3
        batch.AddSequence([5, 6], 0, blocks, computeLogits: true);                                       // rows 4..6, base
        batch.AddSequence([7], 0, blocks, computeLogits: true, loraId: 0, loraMultiplier: 1f);          // row 6
        batch.AddSequence([8], 0, blocks, computeLogits: true, loraId: 0, loraMultiplier: 0f);          // row 7, = base
        batch.AddSequence([9, 10], 0, blocks, computeLogits: true, loraId: 2, loraMultiplier: -1f);     // rows 8..10

        Assert.Equal([new LoraSegment(2, 0, 4), new LoraSegment(0, 6, 7), new LoraSegment(2, 8, 10)], batch.LoraSegments.ToArray());
        Assert.Equal([0.5f, 0.5f, 0.5f, 2f, 0f, 0f, 1f, 0f, -1f, -1f], batch.RowLoraMultipliers.ToArray());
        Assert.Equal([2, 2, -1, 0, -1, 2], batch.LoraIds.ToArray());
    }

    [Fact]
    public void Clear_ForgetsTheSegments()
    {
        var batch = new ForwardBatch(maxTokens: 8, maxSeqs: 2, maxBlocksPerSeq: 1, blockSize: 4);
        batch.AddSequence([1], 0, [0], computeLogits: true, loraId: 0, loraMultiplier: 1f);

        batch.Clear();
        batch.AddSequence([1], 0, [0], computeLogits: true);

        Assert.Equal(0, batch.NumLoraSegments);
        Assert.Equal([0f], batch.RowLoraMultipliers.ToArray());
    }

    [Theory]
    [InlineData(-2, 1f)]
    [InlineData(0, float.NaN)]
    [InlineData(0, float.PositiveInfinity)]
    public void Throws_WhenAdapterIdOrMultiplierIsInvalid(int loraId, float multiplier)
    {
        var batch = new ForwardBatch(maxTokens: 8, maxSeqs: 2, maxBlocksPerSeq: 1, blockSize: 4);

        Assert.Throws<ArgumentOutOfRangeException>(() => batch.AddSequence([1], 0, [0], computeLogits: true, loraId, multiplier));
    }
}
