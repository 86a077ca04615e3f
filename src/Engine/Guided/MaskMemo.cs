namespace Engine.Guided;

/// <summary>
/// The last few masks of one matcher, keyed by its state (sorted top-of-stack node ids and the partial UTF-8
/// character). Committed stack nodes keep their ids until the matcher resets, and the allowed set is a function
/// of the state alone, so a repeated state (every character inside one JSON string, a run of digits) reuses
/// its mask: a copy instead of a trie walk. Slot buffers are allocated on first use only.
/// </summary>
internal sealed class MaskMemo
{
    private const int Slots = 4;

    private readonly ulong[]?[] _masks = new ulong[]?[Slots];
    private readonly int[][] _keys = new int[Slots][];
    private readonly int[] _keyLength = new int[Slots];
    private readonly GuidedVocabulary?[] _vocabularies = new GuidedVocabulary?[Slots];
    private int _next;

    public bool TryGet(GuidedVocabulary vocabulary, ReadOnlySpan<int> key, Span<ulong> allowed)
    {
        for (var s = 0; s < Slots; s++)
        {
            if (ReferenceEquals(_vocabularies[s], vocabulary) && _keys[s].AsSpan(0, _keyLength[s]).SequenceEqual(key))
            {
                _masks[s].AsSpan(0, allowed.Length).CopyTo(allowed);
                return true;
            }
        }
        return false;
    }

    public void Put(GuidedVocabulary vocabulary, ReadOnlySpan<int> key, ReadOnlySpan<ulong> allowed)
    {
        var s = _next;
        _next = (_next + 1) % Slots;
        if (_masks[s] is null || _masks[s]!.Length < allowed.Length)
        {
            _masks[s] = new ulong[allowed.Length];
        }
        allowed.CopyTo(_masks[s]);
        if (_keys[s] is null || _keys[s].Length < key.Length)
        {
            _keys[s] = new int[Math.Max(8, key.Length * 2)];
        }
        key.CopyTo(_keys[s]);
        _keyLength[s] = key.Length;
        _vocabularies[s] = vocabulary;
    }

    /// <summary>Forgets every entry (the matcher reset, so node ids will be reused for other content).</summary>
    public void Clear()
    {
        Array.Clear(_vocabularies);
        _next = 0;
    }
}
