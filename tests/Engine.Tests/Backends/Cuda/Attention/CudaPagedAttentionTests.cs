using Engine.Backends.Cuda.Attention;
using Engine.Execution;
using FsCheck;
using FsCheck.Fluent;
using Kernels.SelfTest;

namespace Engine.Tests.Backends.Cuda.Attention;

/// <summary>
/// The CUDA paged-attention kernels on ILGPU's CPU accelerator against the CPU backend's PagedAttention on the same
/// step (<see cref="AttentionScenario"/>). Decode partitions are 32 keys (2 blocks of 16) here so short contexts
/// already cross partitions and exercise the reduction; contexts sweep 1, 15/16/17 (block edges), 32/33 and 64/65
/// (partition edges) and 70. Tolerance 2e-5 · (1 + |expected|) for every cache type: bf16/f16 caches hold values
/// already rounded on the host and widened exactly by both sides, so all three differ only in the order of
/// float32 sums over ≤ 70 keys and in exp's last bits.
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class CudaPagedAttentionTests(CudaKernelFixture fixture)
{
    private const float Tolerance = 2e-5f;
    private const int Partition = 32;

    private static readonly (int, int)[] DecodeContexts = [(0, 1), (14, 1), (15, 1), (16, 1), (31, 1), (32, 1), (63, 1), (64, 1), (69, 1)];

    public static TheoryData<KvCacheType, int> GroupSizes() => new()
    {
        { KvCacheType.F32, 1 }, { KvCacheType.F32, 2 }, { KvCacheType.F32, 4 }, { KvCacheType.F32, 8 },
        { KvCacheType.Bf16, 1 }, { KvCacheType.Bf16, 4 }, { KvCacheType.F16, 2 }, { KvCacheType.F16, 8 },
    };

    [Theory]
    [MemberData(nameof(GroupSizes))]
    public void Decode_MatchesCpuBackend_AcrossBlockAndPartitionEdges(KvCacheType type, int groupSize) =>
        AssertMatches(new AttentionScenario(type, HeadDim: 16, NumKvHeads: 2, groupSize, BlockSize: 16, DecodeContexts, Seed: 10 + groupSize));

    public static TheoryData<KvCacheType, int, int> HeadSizes() => new()
    {
        { KvCacheType.F32, 8, 2 }, { KvCacheType.F16, 8, 1 }, { KvCacheType.F32, 64, 4 }, { KvCacheType.Bf16, 64, 2 },
        { KvCacheType.F32, 96, 1 }, { KvCacheType.Bf16, 128, 2 }, { KvCacheType.F16, 128, 1 },
    };

    [Theory]
    [MemberData(nameof(HeadSizes))]
    public void MixedBatch_MatchesCpuBackend_AtEachHeadSize(KvCacheType type, int headDim, int groupSize) =>
        AssertMatches(new AttentionScenario(type, headDim, NumKvHeads: 1, groupSize, BlockSize: 16, [(0, 5), (40, 1), (17, 3), (0, 1)], Seed: headDim + groupSize));

    public static TheoryData<KvCacheType, int> BlockSizes() => new()
    {
        { KvCacheType.F32, 4 }, { KvCacheType.Bf16, 8 }, { KvCacheType.F16, 32 }, { KvCacheType.F32, 64 },
    };

    // Prefill from scratch (rows past one query tile of 32 / G rows), a chunked prefill continuing a cached
    // prefix across a block edge, and decode rows, in one step, at block sizes smaller and larger than a key tile.
    [Theory]
    [MemberData(nameof(BlockSizes))]
    public void MixedPrefillAndDecode_MatchesCpuBackend_AtEachBlockSize(KvCacheType type, int blockSize) =>
        AssertMatches(new AttentionScenario(type, HeadDim: 8, NumKvHeads: 2, GroupSize: 4, blockSize, [(0, 11), (33, 1), (13, 6), (66, 1), (0, 1)], Seed: blockSize));

    [Fact]
    public void Prefill_MatchesCpuBackend_WhenChunkSpansManyTiles()
    {
        // G = 1: 32 rows per query tile, so 40 rows take two tiles, and 37 cached keys give three key tiles.
        AssertMatches(new AttentionScenario(KvCacheType.F32, HeadDim: 8, NumKvHeads: 1, GroupSize: 1, BlockSize: 16, [(37, 40)], Seed: 3));
    }

    // Random small steps: any mix of prefill chunks and decode rows, contexts up to 80 keys, GQA 1..8, block
    // size 4..32. Few cases (the CPU accelerator simulates every thread); fixed seed so a failure replays.
    [Fact]
    public void RandomSteps_MatchCpuBackend()
    {
        var scenario =
            from groupLog in Gen.Choose(0, 3)
            from blockLog in Gen.Choose(2, 5)
            from kvHeads in Gen.Choose(1, 2)
            from count in Gen.Choose(1, 4)
            from sequences in Gen.ArrayOf(
                from cached in Gen.Choose(0, 70)
                from fresh in Gen.Frequency((3, Gen.Constant(1)), (1, Gen.Choose(2, 10)))
                select (cached, fresh), count)
            from seed in Gen.Choose(0, 1000)
            select new AttentionScenario(KvCacheType.F32, 8, kvHeads, 1 << groupLog, 1 << blockLog, sequences, seed);

        Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            AssertMatches(s);
            return true;
        }).Check(Config.Quick.WithMaxTest(6).WithReplay(12345UL, 67891UL));
    }

    [Fact]
    public void AttentionStep_CountsDecodeAndLongestRuns()
    {
        var batch = new ForwardBatch(maxTokens: 16, maxSeqs: 4, maxBlocksPerSeq: 4, blockSize: 16);
        batch.AddSequence(new int[5], 0, [0], computeLogits: true);
        batch.AddSequence(new int[1], 40, [1, 2, 3], computeLogits: true);
        batch.AddSequence(new int[3], 17, [4, 5], computeLogits: true);

        Assert.Equal(new AttentionStep(9, 3, 4, 16, MaxQueryLen: 5, MaxContextLen: 41, NumDecodeSeqs: 1), AttentionStep.From(batch));
    }

    [Fact]
    public void Run_RejectsUnsupportedHeadDim_OnTheHost()
    {
        var error = Assert.Throws<ArgumentException>(() => RunF32(headDim: 12, qLength: 12));
        Assert.Contains("head_dim 12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RejectsShortQuery_OnTheHost()
    {
        var error = Assert.Throws<ArgumentException>(() => RunF32(headDim: 8, qLength: 7));
        Assert.Contains("need 8 elements in q", error.Message, StringComparison.Ordinal);
    }

    private void RunF32(int headDim, int qLength)
    {
        var context = fixture.Context;
        using var kernels = new PagedAttentionKernels(context);
        using var q = Expect.Zeros<float>(context, qLength);
        using var cache = Expect.Zeros<float>(context, 16 * headDim);
        using var ints = Expect.Upload(context, new[] { 0, 1 });
        var metadata = new AttentionMetadata(ints.View, ints.View, ints.View);
        kernels.Run(fixture.Stream, q.View, q.View, cache.View, cache.View, metadata, new AttentionStep(1, 1, 1, 16, 1, 1, 1), 1, 1, headDim);
    }

    private void AssertMatches(AttentionScenario scenario)
    {
        var (expected, actual) = scenario.Run(fixture.Context, fixture.Stream, Partition);
        Expect.Close(expected, actual, Tolerance, Tolerance, scenario.ToString());
    }
}
