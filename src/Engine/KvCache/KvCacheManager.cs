namespace Engine.KvCache;

/// <summary>
/// Maps sequences to blocks: grows a sequence's <see cref="BlockTable"/> to hold its tokens (all or nothing, so a
/// failed allocation leaves everything as it was) and returns its blocks to the <see cref="BlockPool"/> when the
/// sequence finishes or is preempted. With prefix caching on (vLLM v1's automatic prefix caching), every full,
/// computed block is published under its chained <see cref="BlockHash"/>, and a new sequence starts from the longest
/// run of cached full blocks matching its tokens, sharing them by reference count. Only full blocks are shared this
/// way and a hit always ends on a block boundary, so a sequence writes only into blocks it owns alone.
/// </summary>
public sealed class KvCacheManager
{
    private readonly Dictionary<long, BlockTable> _tables = [];

    private long _prefixQueryTokens;
    private long _prefixHitTokens;

    /// <param name="enablePrefixCaching">Whether full blocks are published and reused across sequences.</param>
    public KvCacheManager(int numBlocks, int blockSize, bool enablePrefixCaching = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        Pool = new BlockPool(numBlocks);
        BlockSize = blockSize;
        EnablePrefixCaching = enablePrefixCaching;
    }

    public bool EnablePrefixCaching { get; }

    /// <summary>Tokens of the sequences looked up in the prefix cache (each admission counts its tokens once); safe to read from any thread.</summary>
    public long PrefixCacheQueryTokens => Interlocked.Read(ref _prefixQueryTokens);

    /// <summary>Of <see cref="PrefixCacheQueryTokens"/>, those found cached (not computed); safe to read from any thread.</summary>
    public long PrefixCacheHitTokens => Interlocked.Read(ref _prefixHitTokens);

    public BlockPool Pool { get; }

    public int BlockSize { get; }

    public int NumFreeBlocks => Pool.NumFree;

    public int BlocksFor(int numTokens) => (numTokens + BlockSize - 1) / BlockSize;

    /// <summary>The sequence's table (empty if it holds no blocks yet).</summary>
    public BlockTable GetTable(long sequenceId)
    {
        if (!_tables.TryGetValue(sequenceId, out var table))
        {
            table = new BlockTable();
            _tables[sequenceId] = table;
        }
        return table;
    }

    /// <summary>
    /// Ensures the sequence has blocks for <paramref name="numTokens"/> tokens in total. Returns false, changing
    /// nothing, when the pool has too few free blocks.
    /// </summary>
    public bool TryAllocate(long sequenceId, int numTokens)
    {
        var table = GetTable(sequenceId);
        var needed = BlocksFor(numTokens) - table.Count;
        if (needed <= 0)
        {
            return true;
        }
        if (needed > Pool.NumFree)
        {
            return false;
        }
        for (var i = 0; i < needed; i++)
        {
            Pool.TryAllocate(out var block);
            table.Add(block);
        }
        return true;
    }

    /// <summary>
    /// As <see cref="TryAllocate(long, int)"/> for a sequence whose first <paramref name="numComputedTokens"/> tokens
    /// are cached and whose next ones will be written this step; a block that receives new tokens but is shared with
    /// another sequence (after <see cref="Fork"/>) is first replaced by a private copy (copy-on-write): a fresh block
    /// takes its place and the (source, destination) pair is added to <paramref name="copies"/>, for the runner to
    /// copy before the forward pass. All or nothing: false, changing nothing, when the pool cannot supply every block.
    /// </summary>
    public bool TryAllocate(long sequenceId, int numComputedTokens, int numTokens, List<BlockCopy> copies)
    {
        ArgumentNullException.ThrowIfNull(copies);
        var table = GetTable(sequenceId);
        var grow = Math.Max(0, BlocksFor(numTokens) - table.Count);
        var shared = 0;
        for (var i = numComputedTokens / BlockSize; i < table.Count && numTokens > numComputedTokens; i++)
        {
            shared += Pool.RefCount(table.Blocks[i]) > 1 ? 1 : 0;
        }
        if (grow + shared > Pool.NumFree)
        {
            return false;
        }
        for (var i = numComputedTokens / BlockSize; i < table.Count && shared > 0; i++)
        {
            var source = table.Blocks[i];
            if (Pool.RefCount(source) > 1)
            {
                Pool.TryAllocate(out var destination);
                copies.Add(new BlockCopy(source, destination));
                table.Set(i, destination);
                Pool.Release(source);
            }
        }
        return TryAllocate(sequenceId, numTokens);
    }

    /// <summary>
    /// Gives a sequence holding no blocks the longest cached prefix of <paramref name="tokens"/> in whole blocks, at
    /// most ⌊(len − 1) / BlockSize⌋ of them so that at least the last token is computed (its logits are needed), plus
    /// blocks for up to <paramref name="maxNewTokens"/> more tokens. <paramref name="numCachedTokens"/> is the hit
    /// length (a multiple of BlockSize, 0 with caching off). All or nothing: false, changing nothing, when the pool
    /// cannot supply the new blocks once the hit blocks (free ones included) are taken.
    /// </summary>
    public bool TryAllocateWithPrefix(long sequenceId, ReadOnlySpan<int> tokens, BlockHashExtra extra, int maxNewTokens, out int numCachedTokens)
    {
        var table = GetTable(sequenceId);
        if (table.Count != 0)
        {
            throw new InvalidOperationException($"Sequence {sequenceId} already holds {table.Count} KV blocks; a prefix is looked up only for an empty sequence.");
        }
        numCachedTokens = 0;
        if (!EnablePrefixCaching)
        {
            return TryAllocate(sequenceId, Math.Min(tokens.Length, maxNewTokens));
        }

        // 1. the longest chain of cached blocks, without taking anything yet
        var hits = 0;
        var freeHits = 0;
        var hash = BlockHash.None;
        for (var maxHits = (tokens.Length - 1) / BlockSize; hits < maxHits; hits++)
        {
            var next = BlockHash.Compute(hash, tokens.Slice(hits * BlockSize, BlockSize), extra);
            if (!Pool.TryGetCached(next, out var block))
            {
                break;
            }
            freeHits += Pool.RefCount(block) == 0 ? 1 : 0;
            hash = next;
        }
        var cached = hits * BlockSize;
        var total = cached + Math.Min(tokens.Length - cached, maxNewTokens);
        if (BlocksFor(total) - hits + freeHits > Pool.NumFree)
        {
            return false;
        }

        // 2. take the hit blocks (free ones leave the free list, so the allocation below cannot evict them), then the rest
        var parent = BlockHash.None;
        for (var i = 0; i < hits; i++)
        {
            parent = BlockHash.Compute(parent, tokens.Slice(i * BlockSize, BlockSize), extra);
            Pool.TryGetCached(parent, out var block);
            Pool.Touch(block);
            table.Add(block);
        }
        table.NumHashedBlocks = hits;
        table.LastHash = hash;
        TryAllocate(sequenceId, total);
        Interlocked.Add(ref _prefixQueryTokens, tokens.Length);
        Interlocked.Add(ref _prefixHitTokens, cached);
        numCachedTokens = cached;
        return true;
    }

    /// <summary>
    /// Publishes the sequence's blocks that became full and computed (the first <paramref name="numComputedTokens"/>
    /// of <paramref name="tokens"/> hold keys and values), so later sequences can reuse them. Nothing with caching off.
    /// </summary>
    public void CacheFullBlocks(long sequenceId, ReadOnlySpan<int> tokens, int numComputedTokens, BlockHashExtra extra)
    {
        if (!EnablePrefixCaching || !_tables.TryGetValue(sequenceId, out var table))
        {
            return;
        }
        var full = Math.Min(numComputedTokens / BlockSize, table.Count);
        for (var i = table.NumHashedBlocks; i < full; i++)
        {
            var hash = BlockHash.Compute(table.LastHash, tokens.Slice(i * BlockSize, BlockSize), extra);
            // false: the block is already cached (shared) or another block holds these contents; the chain goes on
            Pool.TryCache(table.Blocks[i], hash);
            table.LastHash = hash;
            table.NumHashedBlocks = i + 1;
        }
    }

    /// <summary>
    /// Makes <paramref name="childId"/> (holding no blocks) share every block of <paramref name="parentId"/>, one
    /// more reference each: a beam that forks from its parent reuses the cached prefix, and the first write into a
    /// shared block copies it (<see cref="TryAllocate(long, int, int, List{BlockCopy})"/>).
    /// </summary>
    public void Fork(long parentId, long childId)
    {
        var child = GetTable(childId);
        if (child.Count != 0)
        {
            throw new InvalidOperationException($"Sequence {childId} already holds {child.Count} KV blocks; only an empty sequence can fork.");
        }
        var parent = GetTable(parentId);
        foreach (var block in parent.Blocks)
        {
            Pool.Retain(block);
            child.Add(block);
        }
        // the child's tokens start with the parent's, so the hashed blocks are the child's too
        child.NumHashedBlocks = parent.NumHashedBlocks;
        child.LastHash = parent.LastHash;
    }

    /// <summary>Releases every block of the sequence and forgets it. Freeing an unknown sequence does nothing.</summary>
    public void Free(long sequenceId)
    {
        if (!_tables.Remove(sequenceId, out var table))
        {
            return;
        }
        // reverse order, so the blocks a sequence took last are handed out first next time (nano-vllm does the same)
        for (var i = table.Count - 1; i >= 0; i--)
        {
            Pool.Release(table.Blocks[i]);
        }
        table.Clear();
    }
}
