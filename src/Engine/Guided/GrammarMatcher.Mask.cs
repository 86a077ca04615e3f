namespace Engine.Guided;

/// <summary>The S1 mask: one preorder walk of the vocabulary trie from the committed state, memoised per state.</summary>
internal sealed partial class GrammarMatcher
{
    /// <summary>
    /// Sets bit t of <paramref name="allowed"/> for every token t of <paramref name="vocabulary"/> whose bytes keep
    /// the output a prefix of some sentence (all other bits are cleared). EOS is not included: see <see cref="IsComplete"/>.
    /// </summary>
    public void FillAllowed(GuidedVocabulary vocabulary, Span<ulong> allowed)
    {
        allowed.Clear();
        if (_tops == 0)
        {
            return;
        }
        var key = StateKey();
        if (_memo.TryGet(vocabulary, key, allowed))
        {
            return;
        }
        Walk(vocabulary, allowed);
        _memo.Put(vocabulary, key, allowed);
    }

    // the committed state as a key: sorted tops, then the partial character
    private ReadOnlySpan<int> StateKey()
    {
        if (_key.Length < _tops + 2)
        {
            _key = new int[(_tops + 2) * 2];
        }
        _set.AsSpan(0, _tops).CopyTo(_key);
        _key.AsSpan(0, _tops).Sort();
        _key[_tops] = _partialValue;
        _key[_tops + 1] = _partialRemaining;
        return _key.AsSpan(0, _tops + 2);
    }

    private void Walk(GuidedVocabulary vocabulary, Span<ulong> allowed)
    {
        var trie = vocabulary.Trie;
        var nodes = trie.NodeCount;
        var maxDepth = trie.MaxDepth;
        Span<int> levelSet = maxDepth < 512 ? stackalloc int[maxDepth + 1] : new int[maxDepth + 1];
        Span<int> levelPartial = maxDepth < 512 ? stackalloc int[maxDepth + 1] : new int[maxDepth + 1];
        var committedNodes = _arena.Count;
        var cache = _stepCache;
        cache.Clear();
        levelSet[0] = cache.InternSet(_key.AsSpan(0, _tops)); // StateKey left the sorted tops there
        levelPartial[0] = StepCache.PackPartial(_partialValue, _partialRemaining);
        var nodeByte = trie.NodeByte;
        var depth = trie.Depth;
        var end = trie.SubtreeEnd;
        var tokenStart = trie.TokenStart;
        var tokenIds = trie.TokenIds;
        for (var n = 0; n < nodes;)
        {
            var d = depth[n];
            var b = nodeByte[n];
            var set = levelSet[d - 1];
            var partial = levelPartial[d - 1];
            if (!cache.TryGet(set, partial, b, out var nextSet, out var nextPartial))
            {
                (nextSet, nextPartial) = StepUncached(set, partial, b);
                cache.Put(set, partial, b, nextSet, nextPartial);
            }
            if (nextSet == StepCache.Dead)
            {
                n = end[n];
                continue;
            }
            levelSet[d] = nextSet;
            levelPartial[d] = nextPartial;
            for (var k = tokenStart[n]; k < tokenStart[n + 1]; k++)
            {
                var id = tokenIds[k];
                allowed[id >> 6] |= 1UL << (id & 63);
            }
            n++;
        }
        _arena.Truncate(committedNodes);
        _arena.Overflowed = false;
    }

    // Runs Step on an interned set in the scratch region after the committed set, and interns the result.
    private (int Set, int Partial) StepUncached(int set, int partial, byte b)
    {
        var content = _stepCache.SetContent(set);
        var start = _tops;
        if (start + content.Length > _set.Length)
        {
            Array.Resize(ref _set, Math.Max(_set.Length * 2, start + content.Length));
        }
        content.CopyTo(_set.AsSpan(start));
        var (pv, pr) = StepCache.UnpackPartial(partial);
        if (!Step(start, content.Length, ref pv, ref pr, b, out var nextStart, out var nextCount))
        {
            return (StepCache.Dead, 0);
        }
        if (nextStart == start)
        {
            return (set, StepCache.PackPartial(pv, pr)); // the byte only extended a partial character
        }
        var next = _set.AsSpan(nextStart, nextCount);
        next.Sort();
        return (_stepCache.InternSet(next), StepCache.PackPartial(pv, pr));
    }
}
