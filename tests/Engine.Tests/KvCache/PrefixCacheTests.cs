using Engine.KvCache;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.KvCache;

/// <summary>
/// Automatic prefix caching in <see cref="KvCacheManager"/> and <see cref="BlockPool"/>: full computed blocks are
/// found again by their chained hash, shared by reference count, kept after their owner finishes and evicted least
/// recently freed first.
/// </summary>
public sealed class PrefixCacheTests
{
    private const int BlockSize = 4;

    private static int[] Tokens(int start, int count) => [.. Enumerable.Range(start, count)];

    // admits a sequence, computes all its tokens and publishes its full blocks, as the scheduler does over its steps
    private static int Compute(KvCacheManager kv, long id, int[] tokens, BlockHashExtra? extra = null)
    {
        var key = extra ?? BlockHashExtra.Base;
        Assert.True(kv.TryAllocateWithPrefix(id, tokens, key, int.MaxValue, out var cached));
        kv.CacheFullBlocks(id, tokens, tokens.Length, key);
        return cached;
    }

    [Fact]
    public void Hits_AfterTheOwnerFinished_SharingItsFullBlocks()
    {
        var kv = new KvCacheManager(numBlocks: 8, blockSize: BlockSize, enablePrefixCaching: true);
        var prompt = Tokens(100, 10); // blocks 0 and 1 full, block 2 partial
        Assert.Equal(0, Compute(kv, 1, prompt));
        var owner = kv.GetTable(1).Blocks.ToArray();
        kv.Free(1);
        Assert.Equal(8, kv.NumFreeBlocks);

        Assert.True(kv.TryAllocateWithPrefix(2, [.. prompt[..9], 7, 7], BlockHashExtra.Base, int.MaxValue, out var cached));
        Assert.Equal(8, cached);
        var table = kv.GetTable(2).Blocks;
        Assert.Equal(owner[..2], table.Take(2));
        Assert.Equal(3, table.Count);
        Assert.Null(kv.Pool.HashOf(owner[2])); // the partial block was never cached
        Assert.Equal(5, kv.NumFreeBlocks);
        Assert.Equal(10 + 11, kv.PrefixCacheQueryTokens);
        Assert.Equal(8, kv.PrefixCacheHitTokens);
    }

    [Fact]
    public void Hit_LeavesTheLastTokenToCompute_WhenEveryBlockIsCached()
    {
        var kv = new KvCacheManager(numBlocks: 8, blockSize: BlockSize, enablePrefixCaching: true);
        var prompt = Tokens(0, 8);
        Compute(kv, 1, prompt);
        kv.Free(1);
        // both blocks are cached, but the second holds the last token, whose logits the step must produce
        Assert.Equal(4, Compute(kv, 2, prompt));
        Assert.Equal(2, kv.GetTable(2).Count);
    }

    [Fact]
    public void Hits_WhileTheOwnerRuns_TakingASecondReference()
    {
        var kv = new KvCacheManager(numBlocks: 8, blockSize: BlockSize, enablePrefixCaching: true);
        var prompt = Tokens(0, 9);
        Compute(kv, 1, prompt);
        Assert.Equal(8, Compute(kv, 2, prompt));
        var shared = kv.GetTable(1).Blocks.Take(2).ToArray();
        Assert.Equal(shared, kv.GetTable(2).Blocks.Take(2));
        Assert.All(shared, b => Assert.Equal(2, kv.Pool.RefCount(b)));
        Assert.NotEqual(kv.GetTable(1).Blocks[2], kv.GetTable(2).Blocks[2]);
        kv.Free(1);
        kv.Free(2);
        Assert.Equal(8, kv.NumFreeBlocks);
    }

    [Theory]
    [InlineData(0, 1f)]   // an adapter against the base model
    [InlineData(-1, 0.5f)] // the same (base) id with another multiplier
    public void Misses_WhenTheLoraKeyDiffers(int loraId, float multiplier)
    {
        var kv = new KvCacheManager(numBlocks: 8, blockSize: BlockSize, enablePrefixCaching: true);
        var prompt = Tokens(0, 9);
        Compute(kv, 1, prompt, new BlockHashExtra(-1, 1));
        Assert.Equal(0, Compute(kv, 2, prompt, new BlockHashExtra(loraId, multiplier)));
        Assert.Equal(8, Compute(kv, 3, prompt, new BlockHashExtra(-1, 1)));
    }

    [Fact]
    public void Misses_WhenAnEarlierBlockDiffers_BecauseHashesChain()
    {
        var kv = new KvCacheManager(numBlocks: 8, blockSize: BlockSize, enablePrefixCaching: true);
        Compute(kv, 1, Tokens(0, 9));
        // same second block, other first block: the keys of the second block depend on the first, so no hit
        int[] other = [50, 51, 52, 53, .. Tokens(4, 5)];
        Assert.Equal(0, Compute(kv, 2, other));
    }

    [Fact]
    public void NeverHits_WhenCachingIsOff()
    {
        var kv = new KvCacheManager(numBlocks: 8, blockSize: BlockSize);
        var prompt = Tokens(0, 9);
        Compute(kv, 1, prompt);
        kv.Free(1);
        Assert.Equal(0, Compute(kv, 2, prompt));
        Assert.Equal(0, kv.Pool.NumCached);
        Assert.Equal(0, kv.PrefixCacheQueryTokens);
    }

    // Four blocks: A's two and then B's two are cached and freed. C needs two blocks, so the two least recently freed
    // (A's) are evicted; B's prefix survives.
    [Fact]
    public void Evicts_TheLeastRecentlyFreedCachedBlocks_First()
    {
        var kv = new KvCacheManager(numBlocks: 4, blockSize: BlockSize, enablePrefixCaching: true);
        int[] a = Tokens(0, 8);
        int[] b = Tokens(20, 8);
        Compute(kv, 1, a);
        kv.Free(1);
        Compute(kv, 2, b);
        kv.Free(2);
        Assert.Equal(4, kv.Pool.NumCached);

        Compute(kv, 3, Tokens(40, 8));
        Assert.Equal(2, kv.Pool.NumEvictions);
        kv.Free(3);
        Assert.Equal(8, Compute(kv, 4, [.. b, 99]));
        kv.Free(4);
        Assert.Equal(0, Compute(kv, 5, [.. a, 99]));
    }

    [Fact]
    public void PrefersPlainFreeBlocks_OverEvictingCachedOnes()
    {
        var kv = new KvCacheManager(numBlocks: 6, blockSize: BlockSize, enablePrefixCaching: true);
        Compute(kv, 1, Tokens(0, 8));
        kv.Free(1);
        Compute(kv, 2, Tokens(50, 16)); // the four uncached blocks, not the two cached ones
        Assert.Equal(0, kv.Pool.NumEvictions);
        Assert.Equal(6, kv.Pool.NumCached);
    }

    [Fact]
    public void FailsWithoutChangingAnything_WhenTheNewBlocksDoNotFit()
    {
        var kv = new KvCacheManager(numBlocks: 3, blockSize: BlockSize, enablePrefixCaching: true);
        var prompt = Tokens(0, 9);
        Compute(kv, 1, prompt);
        kv.Free(1);
        Compute(kv, 2, Tokens(30, 4)); // holds one block: 2 cached blocks free, 1 used
        // the hit takes both free cached blocks, leaving none for the third
        Assert.False(kv.TryAllocateWithPrefix(3, [.. prompt, 1, 2, 3], BlockHashExtra.Base, int.MaxValue, out _));
        Assert.Equal(0, kv.GetTable(3).Count);
        Assert.Equal(2, kv.NumFreeBlocks);
        Assert.Equal(0, kv.PrefixCacheHitTokens);
        kv.Free(2);
        Assert.Equal(8, Compute(kv, 3, prompt));
    }

    // Random admissions (prompts drawn from a few shared prefixes), chunked computation, decode growth, forks and
    // frees: every block a sequence writes into is its own alone and holds no cached contents, and the reference
    // counts equal the number of tables holding each block.
    [Fact]
    public void ACachedBlock_IsNeverWritten_AndRefCountsMatchTheTables()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var kv = new KvCacheManager(numBlocks: 24, blockSize: BlockSize, enablePrefixCaching: true);
            int[][] prefixes = [Tokens(0, 13), Tokens(100, 6), Tokens(200, 20)];
            var live = new Dictionary<long, (List<int> Tokens, int Computed)>();
            var copies = new List<BlockCopy>();
            long nextId = 1;
            for (var op = 0; op < 80; op++)
            {
                var choice = random.Next(4);
                if (choice == 0 || live.Count == 0)
                {
                    var tokens = prefixes[random.Next(3)].Take(1 + random.Next(20)).Concat(Tokens(300 + random.Next(3), random.Next(6))).ToList();
                    if (kv.TryAllocateWithPrefix(nextId, tokens.ToArray(), BlockHashExtra.Base, 1 + random.Next(8), out var cached))
                    {
                        live[nextId] = (tokens, cached);
                    }
                    else
                    {
                        kv.Free(nextId);
                    }
                    nextId++;
                }
                else if (choice == 1)
                {
                    var id = live.Keys.ElementAt(random.Next(live.Count));
                    kv.Free(id);
                    live.Remove(id);
                }
                else if (choice == 2)
                {
                    var parent = live.Keys.ElementAt(random.Next(live.Count));
                    kv.Fork(parent, nextId);
                    var (tokens, computed) = live[parent];
                    live[nextId++] = ([.. tokens.Take(computed)], computed);
                }
                else
                {
                    // compute the next chunk: first make sure blocks exist (copy-on-write), then check, then publish
                    var id = live.Keys.ElementAt(random.Next(live.Count));
                    var (tokens, computed) = live[id];
                    if (computed == tokens.Count)
                    {
                        tokens.Add(400 + random.Next(3));
                    }
                    var n = Math.Min(tokens.Count - computed, 1 + random.Next(6));
                    copies.Clear();
                    if (!kv.TryAllocate(id, computed, computed + n, copies))
                    {
                        continue;
                    }
                    var table = kv.GetTable(id).Blocks;
                    for (var p = computed; p < computed + n; p++)
                    {
                        var block = table[p / BlockSize];
                        Assert.Equal(1, kv.Pool.RefCount(block));
                        Assert.Null(kv.Pool.HashOf(block));
                    }
                    live[id] = (tokens, computed + n);
                    kv.CacheFullBlocks(id, tokens.ToArray(), computed + n, BlockHashExtra.Base);
                }
                var held = new int[kv.Pool.NumBlocks];
                foreach (var id in live.Keys)
                {
                    foreach (var block in kv.GetTable(id).Blocks)
                    {
                        held[block]++;
                    }
                }
                for (var b = 0; b < held.Length; b++)
                {
                    Assert.Equal(held[b], kv.Pool.RefCount(b));
                }
                Assert.Equal(held.Count(h => h == 0), kv.NumFreeBlocks);
            }
        }).QuickCheckThrowOnFailure();
    }
}
