namespace Engine.Tokenization;

/// <summary>BPE merge rules, (left id, right id) → (rank, merged id), in an open-addressing hash table with linear
/// probing: one array read per probe and no comparer calls, since the merge loop does several lookups per merge.
/// The first rule for a pair wins, as in HF.</summary>
internal sealed class MergeTable
{
    private const long Empty = -1;
    private readonly long[] _keys;
    private readonly long[] _values;
    private readonly int _mask;

    public MergeTable(int capacity)
    {
        var size = 16;
        while (size < capacity * 2)
        {
            size <<= 1;
        }
        _keys = new long[size];
        _values = new long[size];
        _mask = size - 1;
        Array.Fill(_keys, Empty);
    }

    /// <summary>Adds a rule unless the pair already has one.</summary>
    public bool TryAdd(int left, int right, int rank, int merged)
    {
        var key = Key(left, right);
        for (var slot = Slot(key); ; slot = (slot + 1) & _mask)
        {
            if (_keys[slot] == key)
            {
                return false;
            }
            if (_keys[slot] == Empty)
            {
                _keys[slot] = key;
                _values[slot] = ((long)rank << 32) | (uint)merged;
                return true;
            }
        }
    }

    public bool TryGet(int left, int right, out int rank, out int merged)
    {
        var key = Key(left, right);
        for (var slot = Slot(key); ; slot = (slot + 1) & _mask)
        {
            var k = _keys[slot];
            if (k == key)
            {
                var value = _values[slot];
                rank = (int)(value >> 32);
                merged = (int)(value & 0xFFFFFFFF);
                return true;
            }
            if (k == Empty)
            {
                rank = 0;
                merged = 0;
                return false;
            }
        }
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    // Fibonacci hashing: the multiply mixes both ids into the top bits (long's own hash, left ^ right, piles
    // Gemma's 580k pairs of 18-bit ids into a few hundred deep chains).
    private int Slot(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32) & _mask;
}
