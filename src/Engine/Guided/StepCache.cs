namespace Engine.Guided;

/// <summary>
/// Memoises the matcher's byte step during one mask walk. Stack sets are interned (sorted node ids → set id), and
/// (set, partial character, byte) → (next set, next partial character) is cached, so the trie walk pays one hash
/// lookup per node once a transition has been seen: inside a JSON string every character maps the set to
/// itself, so a whole-vocabulary walk costs about one probe per trie node. Cleared per walk by a generation
/// stamp (the sets refer to scratch stack nodes that the walk discards), so clearing is O(1).
/// </summary>
internal sealed class StepCache
{
    public const int Dead = -1;

    private int[] _setData = new int[1024];
    private int _setDataCount;
    private int[] _setStart = new int[256];
    private int[] _setLength = new int[256];
    private int _setCount;
    private int[] _setSlots = new int[1024];
    private int[] _setSlotGen = new int[1024];

    private long[] _key = new long[4096];
    private int[] _keyGen = new int[4096];
    private int[] _nextSet = new int[4096];
    private int[] _nextPartial = new int[4096];
    private int _count;
    private int _gen = 1;

    public void Clear()
    {
        _gen++;
        _setCount = 0;
        _setDataCount = 0;
        _count = 0;
    }

    public ReadOnlySpan<int> SetContent(int set) => _setData.AsSpan(_setStart[set], _setLength[set]);

    /// <summary>The id of the set with exactly this (sorted) content.</summary>
    public int InternSet(ReadOnlySpan<int> sorted)
    {
        var mask = _setSlots.Length - 1;
        var h = HashOf(sorted) & mask;
        while (_setSlotGen[h] == _gen)
        {
            var id = _setSlots[h];
            if (SetContent(id).SequenceEqual(sorted))
            {
                return id;
            }
            h = (h + 1) & mask;
        }
        if (_setCount == _setStart.Length)
        {
            Array.Resize(ref _setStart, _setCount * 2);
            Array.Resize(ref _setLength, _setCount * 2);
        }
        if (_setDataCount + sorted.Length > _setData.Length)
        {
            Array.Resize(ref _setData, Math.Max(_setData.Length * 2, _setDataCount + sorted.Length));
        }
        var set = _setCount++;
        _setStart[set] = _setDataCount;
        _setLength[set] = sorted.Length;
        sorted.CopyTo(_setData.AsSpan(_setDataCount));
        _setDataCount += sorted.Length;
        _setSlots[h] = set;
        _setSlotGen[h] = _gen;
        if (_setCount * 2 > _setSlots.Length)
        {
            GrowSets();
        }
        return set;
    }

    public bool TryGet(int set, int partial, byte b, out int nextSet, out int nextPartial)
    {
        var key = Key(set, partial, b);
        var mask = _key.Length - 1;
        var h = Mix(key) & mask;
        while (_keyGen[h] == _gen)
        {
            if (_key[h] == key)
            {
                nextSet = _nextSet[h];
                nextPartial = _nextPartial[h];
                return true;
            }
            h = (h + 1) & mask;
        }
        nextSet = nextPartial = 0;
        return false;
    }

    public void Put(int set, int partial, byte b, int nextSet, int nextPartial)
    {
        if ((_count + 1) * 2 > _key.Length)
        {
            GrowTransitions();
        }
        Insert(Key(set, partial, b), nextSet, nextPartial);
        _count++;
    }

    /// <summary>Packs a partial UTF-8 character (value bits with the sequence length above bit 24, remaining bytes) into one int.</summary>
    public static int PackPartial(int pv, int pr) => (pv << 2) | pr;

    public static (int Pv, int Pr) UnpackPartial(int packed) => (packed >> 2, packed & 3);

    private void Insert(long key, int nextSet, int nextPartial)
    {
        var mask = _key.Length - 1;
        var h = Mix(key) & mask;
        while (_keyGen[h] == _gen)
        {
            h = (h + 1) & mask;
        }
        _key[h] = key;
        _keyGen[h] = _gen;
        _nextSet[h] = nextSet;
        _nextPartial[h] = nextPartial;
    }

    private void GrowTransitions()
    {
        var (keys, gens, sets, partials) = (_key, _keyGen, _nextSet, _nextPartial);
        var size = keys.Length * 2;
        (_key, _keyGen, _nextSet, _nextPartial) = (new long[size], new int[size], new int[size], new int[size]);
        for (var i = 0; i < keys.Length; i++)
        {
            if (gens[i] == _gen)
            {
                Insert(keys[i], sets[i], partials[i]);
            }
        }
    }

    private void GrowSets()
    {
        var size = _setSlots.Length * 2;
        (_setSlots, _setSlotGen) = (new int[size], new int[size]);
        var mask = size - 1;
        for (var set = 0; set < _setCount; set++)
        {
            var h = HashOf(SetContent(set)) & mask;
            while (_setSlotGen[h] == _gen)
            {
                h = (h + 1) & mask;
            }
            _setSlots[h] = set;
            _setSlotGen[h] = _gen;
        }
    }

    // set id (≤ 2^25) | partial character (≤ 2^29) | byte
    private static long Key(int set, int partial, byte b) => ((long)set << 37) | ((long)partial << 8) | b;

    private static int Mix(long key) => (int)((ulong)key * 0x9E3779B97F4A7C15UL >> 35);

    private static int HashOf(ReadOnlySpan<int> content)
    {
        var h = (uint)content.Length * 0x9E3779B1u;
        foreach (var x in content)
        {
            h = (h ^ (uint)x) * 0x85EBCA77u;
            h ^= h >> 13;
        }
        return (int)(h & 0x7FFFFFFF);
    }
}
