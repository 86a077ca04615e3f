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
