namespace Engine.KvCache;

/// <summary>
/// The fixed set of KV-cache blocks: a reference count per block, a free list, and the prefix cache's map from
/// <see cref="BlockHash"/> to the block holding those contents (vLLM v1's BlockPool). Pure bookkeeping, no tensors.
/// A free block may still hold a cached prefix: it can be taken back by a hit (<see cref="Touch"/>) until an
/// allocation evicts it. Free blocks with a hash sit at the tail of the free list in the order they were freed, so
/// allocation, which takes from the head, uses plain free blocks first and then evicts the least recently freed
/// cached block. Invariant: NumFree + NumUsed == NumBlocks.
/// </summary>
public sealed class BlockPool
{
    private readonly int[] _refCounts;
    // the free list: a doubly linked list over block ids, with node NumBlocks as its sentinel
    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly BlockHash[] _hashes;
    private readonly bool[] _hashed;
    private readonly Dictionary<BlockHash, int> _cached = [];

    public BlockPool(int numBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numBlocks);
        NumBlocks = numBlocks;
        _refCounts = new int[numBlocks];
        _next = new int[numBlocks + 1];
        _prev = new int[numBlocks + 1];
        _hashes = new BlockHash[numBlocks];
        _hashed = new bool[numBlocks];
        _next[numBlocks] = _prev[numBlocks] = numBlocks;
        // block 0 is handed out first
        for (var b = 0; b < numBlocks; b++)
        {
            InsertBefore(numBlocks, b);
        }
        NumFree = numBlocks;
    }

    public int NumBlocks { get; }

    public int NumFree { get; private set; }

    public int NumUsed => NumBlocks - NumFree;

    /// <summary>Blocks whose contents are findable by hash (in use or free but not yet evicted).</summary>
    public int NumCached => _cached.Count;

    /// <summary>Cached blocks taken by an allocation and forgotten since the pool was built.</summary>
    public long NumEvictions { get; private set; }

    public int RefCount(int block) => _refCounts[block];

    /// <summary>The block's hash, or null when it holds no cached contents.</summary>
    public BlockHash? HashOf(int block) => _hashed[block] ? _hashes[block] : null;

    /// <summary>Takes the free block at the head of the free list with reference count 1, evicting its cached contents if any; false when none is left.</summary>
    public bool TryAllocate(out int block)
    {
        block = _next[NumBlocks];
        if (block == NumBlocks)
        {
            block = -1;
            return false;
        }
        Unlink(block);
        NumFree--;
        if (_hashed[block])
        {
            _cached.Remove(_hashes[block]);
            _hashed[block] = false;
            NumEvictions++;
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

    /// <summary>Drops one reference; at zero the block becomes free: at the head of the free list, or at the tail (evicted last) when it holds cached contents.</summary>
    public void Release(int block)
    {
        if (_refCounts[block] <= 0)
        {
            throw new InvalidOperationException($"KV block {block} is already free (double release).");
        }
        if (--_refCounts[block] == 0)
        {
            InsertBefore(_hashed[block] ? NumBlocks : _next[NumBlocks], block);
            NumFree++;
        }
    }

    /// <summary>The block holding the contents named <paramref name="hash"/>; false when none is cached.</summary>
    public bool TryGetCached(BlockHash hash, out int block) => _cached.TryGetValue(hash, out block);

    /// <summary>Takes a reference on a cached block found by hash: a free one leaves the free list (saved from eviction), one in use is shared.</summary>
    public void Touch(int block)
    {
        if (!_hashed[block])
        {
            throw new InvalidOperationException($"KV block {block} holds no cached contents; only a prefix-cache hit is touched.");
        }
        if (_refCounts[block] == 0)
        {
            Unlink(block);
            NumFree--;
        }
        _refCounts[block]++;
    }

    /// <summary>
    /// Publishes a full, computed block in use under <paramref name="hash"/>. Returns false, changing nothing, when the
    /// block already has a hash or another block already holds these contents (two sequences computed the same prefix
    /// at once: the first stays the cached copy).
    /// </summary>
    public bool TryCache(int block, BlockHash hash)
    {
        if (_refCounts[block] <= 0)
        {
            throw new InvalidOperationException($"KV block {block} is free; only a block in use can be cached.");
        }
        if (_hashed[block] || !_cached.TryAdd(hash, block))
        {
            return false;
        }
        _hashes[block] = hash;
        _hashed[block] = true;
        return true;
    }

    private void InsertBefore(int node, int block)
    {
        var prev = _prev[node];
        _next[prev] = block;
        _prev[block] = prev;
        _next[block] = node;
        _prev[node] = block;
    }

    private void Unlink(int block)
    {
        _next[_prev[block]] = _next[block];
        _prev[_next[block]] = _prev[block];
    }
}
