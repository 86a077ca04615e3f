using Engine.KvCache;

namespace Engine.Tests.KvCache;

/// <summary>Forking a sequence (beam search) shares its blocks by reference count; the first write into a shared block copies it.</summary>
public sealed class KvCacheForkTests
{
    [Fact]
    public void Fork_SharesEveryBlock_AndFreeingBothReturnsThemAll()
    {
        var kv = new KvCacheManager(numBlocks: 8, blockSize: 4);
        Assert.True(kv.TryAllocate(1, 6)); // 2 blocks
        kv.Fork(1, 2);
        Assert.Equal(kv.GetTable(1).Blocks, kv.GetTable(2).Blocks);
        Assert.All(kv.GetTable(1).Blocks, b => Assert.Equal(2, kv.Pool.RefCount(b)));
        Assert.Equal(6, kv.NumFreeBlocks);
        kv.Free(1);
        Assert.Equal(6, kv.NumFreeBlocks);
        kv.Free(2);
        Assert.Equal(8, kv.NumFreeBlocks);
    }

    // Positions 0..5 are cached (block 0 full, block 1 holds 4 and 5); writing position 6 lands in block 1, which the
    // child shares with its parent, so the child gets a private copy of block 1 and keeps sharing the full block 0.
    [Fact]
    public void WritingIntoASharedPartialBlock_CopiesOnlyThatBlock()
    {
        var kv = new KvCacheManager(numBlocks: 8, blockSize: 4);
        Assert.True(kv.TryAllocate(1, 6));
        var parent = kv.GetTable(1).Blocks.ToArray();
        kv.Fork(1, 2);
        var copies = new List<BlockCopy>();
        Assert.True(kv.TryAllocate(2, numComputedTokens: 6, numTokens: 7, copies));
        var child = kv.GetTable(2).Blocks.ToArray();
        Assert.Equal(parent[0], child[0]);
        Assert.NotEqual(parent[1], child[1]);
        Assert.Equal([new BlockCopy(parent[1], child[1])], copies);
        Assert.Equal(2, kv.Pool.RefCount(parent[0]));
        Assert.Equal(1, kv.Pool.RefCount(parent[1]));
        Assert.Equal(1, kv.Pool.RefCount(child[1]));

        // the parent now owns block 1 alone: writing into it copies nothing
        copies.Clear();
        Assert.True(kv.TryAllocate(1, numComputedTokens: 6, numTokens: 7, copies));
        Assert.Empty(copies);
        Assert.Equal(parent, kv.GetTable(1).Blocks);
    }

    [Fact]
    public void ForkAtABlockBoundary_CopiesNothing_AndGrowsANewBlock()
    {
        var kv = new KvCacheManager(numBlocks: 8, blockSize: 4);
        Assert.True(kv.TryAllocate(1, 8));
        kv.Fork(1, 2);
        var copies = new List<BlockCopy>();
        Assert.True(kv.TryAllocate(2, numComputedTokens: 8, numTokens: 9, copies));
        Assert.Empty(copies);
        Assert.Equal(3, kv.GetTable(2).Count);
        Assert.Equal(kv.GetTable(1).Blocks, kv.GetTable(2).Blocks.Take(2));
    }

    [Fact]
    public void CopyOnWrite_IsAllOrNothing_WhenNoBlockIsFree()
    {
        var kv = new KvCacheManager(numBlocks: 2, blockSize: 4);
        Assert.True(kv.TryAllocate(1, 6));
        kv.Fork(1, 2);
        var before = kv.GetTable(2).Blocks.ToArray();
        var copies = new List<BlockCopy>();
        Assert.False(kv.TryAllocate(2, numComputedTokens: 6, numTokens: 7, copies));
        Assert.Empty(copies);
        Assert.Equal(before, kv.GetTable(2).Blocks);
        Assert.Equal(0, kv.NumFreeBlocks);
    }

    [Fact]
    public void Fork_Throws_WhenTheChildAlreadyHoldsBlocks()
    {
        var kv = new KvCacheManager(numBlocks: 4, blockSize: 4);
        Assert.True(kv.TryAllocate(1, 4));
        Assert.True(kv.TryAllocate(2, 4));
        Assert.Throws<InvalidOperationException>(() => kv.Fork(1, 2));
    }
}
