using Engine.KvCache;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.KvCache;

public sealed class KvCacheManagerTests
{
    [Fact]
    public void AllocatesCeilOfTokensOverBlockSize_AndFreesEverything()
    {
        var manager = new KvCacheManager(numBlocks: 10, blockSize: 16);
        Assert.True(manager.TryAllocate(1, 17));
        Assert.Equal(2, manager.GetTable(1).Count);
        Assert.True(manager.TryAllocate(1, 32));
        Assert.Equal(2, manager.GetTable(1).Count);
        Assert.True(manager.TryAllocate(1, 33));
        Assert.Equal(3, manager.GetTable(1).Count);
        Assert.Equal(7, manager.NumFreeBlocks);
        manager.Free(1);
        Assert.Equal(10, manager.NumFreeBlocks);
    }

    [Fact]
    public void TryAllocate_ReturnsFalseAndChangesNothing_WhenBlocksRunOut()
    {
        var manager = new KvCacheManager(numBlocks: 4, blockSize: 4);
        Assert.True(manager.TryAllocate(1, 12));
        Assert.False(manager.TryAllocate(2, 8));
        Assert.Equal(1, manager.NumFreeBlocks);
        Assert.Equal(0, manager.GetTable(2).Count);
    }

    [Fact]
    public void Release_Throws_WhenBlockIsAlreadyFree()
    {
        var pool = new BlockPool(2);
        Assert.True(pool.TryAllocate(out var b));
        pool.Release(b);
        Assert.Throws<InvalidOperationException>(() => pool.Release(b));
    }

    [Fact]
    public void SharedBlock_ReturnsToFreeList_OnlyAfterLastRelease()
    {
        var pool = new BlockPool(3);
        Assert.True(pool.TryAllocate(out var b));
        pool.Retain(b);
        pool.Release(b);
        Assert.Equal(2, pool.NumFree);
        pool.Release(b);
        Assert.Equal(3, pool.NumFree);
    }

    // Random programs of grow/free on up to 6 sequences: at every step free + used == total, every reference
    // count is 0 or 1 (no sharing yet) and never negative, each used block sits in exactly one table, and
    // each table holds exactly ceil(tokens / block size) blocks.
    [Fact]
    public void Invariants_HoldUnderRandomAllocateAndFree()
    {
        Prop.ForAll<int[]>(ops =>
        {
            var manager = new KvCacheManager(numBlocks: 20, blockSize: 4);
            var tokens = new int[6];
            foreach (var op in ops)
            {
                var seq = Math.Abs(op % 6);
                if (op % 5 == 0)
                {
                    manager.Free(seq);
                    tokens[seq] = 0;
                }
                else
                {
                    var want = tokens[seq] + Math.Abs(op % 13);
                    if (manager.TryAllocate(seq, want))
                    {
                        tokens[seq] = want;
                    }
                }

                var pool = manager.Pool;
                if (pool.NumFree + pool.NumUsed != pool.NumBlocks)
                {
                    return false;
                }
                var owned = Enumerable.Range(0, 6).SelectMany(s => manager.GetTable(s).Blocks).ToList();
                if (owned.Count != pool.NumUsed || owned.Distinct().Count() != owned.Count)
                {
                    return false;
                }
                for (var b = 0; b < pool.NumBlocks; b++)
                {
                    if (pool.RefCount(b) != (owned.Contains(b) ? 1 : 0))
                    {
                        return false;
                    }
                }
                for (var s = 0; s < 6; s++)
                {
                    if (manager.GetTable(s).Count != manager.BlocksFor(tokens[s]))
                    {
                        return false;
                    }
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
