namespace Engine.KvCache;

/// <summary>The blocks of one sequence in position order: token at position p lives in Blocks[p / BlockSize].</summary>
public sealed class BlockTable
{
    private readonly List<int> _blocks = [];

    public IReadOnlyList<int> Blocks => _blocks;

    public int Count => _blocks.Count;

    /// <summary>The block ids as a span for <c>ForwardBatch.AddSequence</c> (no copy).</summary>
    public ReadOnlySpan<int> AsSpan() => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_blocks);

    internal void Add(int block) => _blocks.Add(block);

    internal void Set(int index, int block) => _blocks[index] = block;

    // Prefix caching: the leading blocks whose hashes are known (cached by this sequence or found by a hit), and the
    // last of those hashes, the parent of the next block's hash.
    internal int NumHashedBlocks { get; set; }

    internal BlockHash LastHash { get; set; }

    internal void Clear()
    {
        _blocks.Clear();
        NumHashedBlocks = 0;
        LastHash = BlockHash.None;
    }
}
