using Engine.Backends.Cuda;

namespace Engine.Tests.Backends.Cuda;

/// <summary>The KV cache's share of GPU memory (vLLM's rule), with hand-computed numbers.</summary>
public sealed class GpuMemoryPlanTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public void KvCacheGetsTheBudgetLeftAfterWhatIsInUse()
    {
        // 80 GiB × 0.9 = 72 GiB; 16 GiB in use (weights) leaves 56 GiB; a block of 2 MiB → 28672 blocks;
        // a full context of 8192 tokens in blocks of 16 is 512 blocks → 56 sequences
        var plan = GpuMemoryPlan.Size(80 * GiB, 64 * GiB, 0.9, 2L << 20, 512);

        Assert.Equal(28672, plan.NumBlocks);
        Assert.Equal(56 * GiB, plan.KvCacheBytes);
        Assert.Equal(56, plan.MaxConcurrentSequences);
    }

    [Fact]
    public void PartialBlocksAndSequencesRoundDown()
    {
        // 1000 × 0.5 = 500 budget, 100 in use → 400 bytes; blocks of 48 → 8 (384 bytes); 3 blocks per sequence → 2
        var plan = GpuMemoryPlan.Size(1000, 900, 0.5, 48, 3);

        Assert.Equal(8, plan.NumBlocks);
        Assert.Equal(384, plan.KvCacheBytes);
        Assert.Equal(2, plan.MaxConcurrentSequences);
    }

    [Fact]
    public void Throws_NamingTheNumbers_WhenNotOneFullContextFits()
    {
        // 24 GiB × 0.9 = 21.6 GiB but 20 GiB in use leaves 1.6 GiB (1638 MiB); one sequence needs 512 × 4 MiB = 2048 MiB
        var e = Assert.Throws<InsufficientGpuMemoryException>(() => GpuMemoryPlan.Size(24 * GiB, 4 * GiB, 0.9, 4L << 20, 512));

        Assert.Contains("24576 MiB × utilization 0.9", e.Message, StringComparison.Ordinal);
        Assert.Contains("20480 MiB are in use", e.Message, StringComparison.Ordinal);
        Assert.Contains("leaves 1638 MiB", e.Message, StringComparison.Ordinal);
        Assert.Contains("2048 MiB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenMoreIsInUseThanTheBudget()
    {
        Assert.Throws<InsufficientGpuMemoryException>(() => GpuMemoryPlan.Size(100, 5, 0.9, 1, 1));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void RejectsAUtilizationOutsideZeroToOne(double utilization)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GpuMemoryPlan.Size(100, 100, utilization, 1, 1));
    }
}
