namespace Engine.KvCache;

/// <summary>
/// The fixed set of KV-cache blocks: a free list and a reference count per block (several sequences may share a
/// block once prefix caching lands). Pure bookkeeping, no tensors. Invariant: NumFree + NumUsed == NumBlocks.
/// </summary>
public sealed class BlockPool
{
    private readonly int[] _refCounts;
    private readonly Stack<int> _free;

    public BlockPool(int numBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numBlocks);
        NumBlocks = numBlocks;
        _refCounts = new int[numBlocks];
        _free = new Stack<int>(numBlocks);
        // pushed in reverse so block 0 is handed out first
        for (var b = numBlocks - 1; b >= 0; b--)
        {
            _free.Push(b);
        }
    }

    public int NumBlocks { get; }

    public int NumFree => _free.Count;

    public int NumUsed => NumBlocks - _free.Count;

    public int RefCount(int block) => _refCounts[block];

    /// <summary>Takes a free block with reference count 1; false when none is left.</summary>
    public bool TryAllocate(out int block)
    {
        if (!_free.TryPop(out block))
        {
            return false;
        }
        _refCounts[block] = 1;
        return true;
    }

    /// <summary>Adds a reference to a block in use (a second sequence sharing it).</summary>
    public void Retain(int block)
    {
        if (_refCounts[block] <= 0)
        {
            throw new InvalidOperationException($"KV block {block} is free; only a block in use can be shared.");
        }
        _refCounts[block]++;
    }

    /// <summary>Drops one reference; the block returns to the free list when none remain.</summary>
    public void Release(int block)
    {
        if (_refCounts[block] <= 0)
        {
            throw new InvalidOperationException($"KV block {block} is already free (double release).");
        }
        if (--_refCounts[block] == 0)
        {
            _free.Push(block);
        }
    }
}
