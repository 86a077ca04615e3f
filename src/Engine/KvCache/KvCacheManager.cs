namespace Engine.KvCache;

/// <summary>
/// Maps sequences to blocks: grows a sequence's <see cref="BlockTable"/> to hold its tokens (all or nothing, so a
/// failed allocation leaves everything as it was) and returns its blocks to the <see cref="BlockPool"/> when the
/// sequence finishes or is preempted.
/// </summary>
public sealed class KvCacheManager
{
    private readonly Dictionary<long, BlockTable> _tables = [];

    public KvCacheManager(int numBlocks, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        Pool = new BlockPool(numBlocks);
        BlockSize = blockSize;
    }

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
        foreach (var block in GetTable(parentId).Blocks)
        {
            Pool.Retain(block);
            child.Add(block);
        }
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
