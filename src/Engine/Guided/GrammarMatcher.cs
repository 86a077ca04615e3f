namespace Engine.Guided;

/// <summary>
/// The pushdown recogniser of one sequence: a set of parse stacks (llama.cpp's <c>llama_grammar</c> design)
/// whose tops are character-set elements, plus the bytes of an unfinished UTF-8 character. A stack that has
/// run to its bottom is the accept marker: the text so far is a complete sentence. Consuming a code point keeps
/// each stack whose top set contains it, steps past that element and re-expands (rule ends pop to the parent's
/// resume position; rule references push one stack per alternative; a reference that ends its alternative is a
/// tail call and pushes nothing, so <c>x*</c> loops stay flat).
/// </summary>
/// <remarks>
/// Why a set of stacks rather than Earley: the grammars we compile (JSON, regex, choice) are nearly
/// deterministic, so the set holds one to a few stacks and a step costs a handful of array reads, with no chart
/// to grow per code point; left recursion, which this design cannot run, is rejected at build time by
/// <see cref="GrammarBuilder"/>. Stacks are hash-consed in a <see cref="StackArena"/>, which bounds ambiguity
/// blow-up; a state needing more than <see cref="MaxStacks"/> stacks counts as dead.
/// </remarks>
internal sealed partial class GrammarMatcher
{
    /// <summary>The accept marker in a stack set: a stack with nothing left to match.</summary>
    public const int Accept = -1;

    /// <summary>Most stacks one state may hold; an ambiguous grammar that exceeds it makes the state dead.</summary>
    public const int MaxStacks = 4096;

    /// <summary>Most rule expansions one set may take (an ambiguous grammar can fan out exponentially before any character).</summary>
    public const int MaxExpansions = 1 << 20;

    private readonly Grammar _g;
    private readonly StackArena _arena = new();
    private readonly MaskMemo _memo = new();
    private readonly StepCache _stepCache = new();
    private int[] _key = new int[8];
    private int[] _set = new int[64];
    private int[] _seen = new int[256];
    private int[] _work = new int[64];
    private int _expansions;
    private int _stamp;
    private int _acceptStamp;
    private int _outCount;
    private int _outStart;

    // committed state: the stack set after every accepted token, at _set[0 .. _tops)
    private int _tops;
    private int _partialValue;
    private int _partialRemaining;

    public GrammarMatcher(Grammar grammar)
    {
        _g = grammar;
        Reset();
    }

    public Grammar Grammar => _g;

    /// <summary>No continuation is possible (not even the end of the output).</summary>
    public bool IsDead => _tops == 0;

    /// <summary>The output so far is a complete sentence (EOS may follow).</summary>
    public bool IsComplete
    {
        get
        {
            if (_partialRemaining != 0)
            {
                return false;
            }
            for (var i = 0; i < _tops; i++)
            {
                if (_set[i] == Accept)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Back to the start symbol with no input consumed.</summary>
    public void Reset()
    {
        _arena.Clear();
        _memo.Clear();
        _partialValue = 0;
        _partialRemaining = 0;
        BeginSet(0);
        foreach (var alt in _g.Alternatives[_g.Root])
        {
            Expand(alt, -1);
        }
        _tops = EndSet();
    }

    /// <summary>Consumes <paramref name="bytes"/>; returns false (and the state becomes dead) when they leave the language.</summary>
    public bool Advance(ReadOnlySpan<byte> bytes)
    {
        // work in the scratch region after the committed set, then move the result to the front
        var start = 0;
        var count = _tops;
        var pv = _partialValue;
        var pr = _partialRemaining;
        foreach (var b in bytes)
        {
            if (!Step(start, count, ref pv, ref pr, b, out var nextStart, out var nextCount))
            {
                _tops = 0;
                return false;
            }
            (start, count) = (nextStart, nextCount);
        }
        Array.Copy(_set, start, _set, 0, count);
        _tops = count;
        _partialValue = pv;
        _partialRemaining = pr;
        return count > 0;
    }

    /// <summary>
    /// One byte from the set at [start, start + count) with partial character (pv, pr). On success the new set is at
    /// [nextStart, nextStart + nextCount) — the same range when the byte only extends a partial character.
    /// </summary>
    private bool Step(int start, int count, ref int pv, ref int pr, byte b, out int nextStart, out int nextCount)
    {
        nextStart = start;
        nextCount = count;
        // pv = (sequence length << 24) | code-point bits so far; pr = continuation bytes still expected
        int cp;
        if (pr == 0)
        {
            if (b < 0x80)
            {
                cp = b;
            }
            else if (b is >= 0xC2 and <= 0xDF)
            {
                (pv, pr) = ((2 << 24) | (b & 0x1F), 1);
                return PartialAlive(start, count, pv, pr);
            }
            else if ((b & 0xF0) == 0xE0)
            {
                (pv, pr) = ((3 << 24) | (b & 0x0F), 2);
                return PartialAlive(start, count, pv, pr);
            }
            else if (b is >= 0xF0 and <= 0xF4)
            {
                (pv, pr) = ((4 << 24) | (b & 0x07), 3);
                return PartialAlive(start, count, pv, pr);
            }
            else
            {
                return false; // a continuation byte with nothing to continue, or an invalid lead byte
            }
        }
        else
        {
            if ((b & 0xC0) != 0x80)
            {
                return false;
            }
            pv = (pv & ~0xFFFFFF) | ((pv & 0xFFFFFF) << 6) | (b & 0x3F);
            if (--pr > 0)
            {
                return PartialAlive(start, count, pv, pr);
            }
            cp = pv & 0xFFFFFF;
            var length = pv >> 24;
            pv = 0;
            // overlong forms, surrogates and values past U+10FFFF are not UTF-8
            if (cp < MinCodePoint(length) || cp > CharSet.MaxCodePoint || cp is >= 0xD800 and <= 0xDFFF)
            {
                return false;
            }
        }
        nextStart = start + count;
        nextCount = Consume(start, count, cp, nextStart);
        return nextCount > 0;
    }

    private static int MinCodePoint(int length) => length switch { 2 => 0x80, 3 => 0x800, _ => 0x10000 };

    // Some top can still accept a code point that starts with the bytes so far: [v·64^pr, (v+1)·64^pr − 1],
    // clipped to the code points this sequence length may encode.
    private bool PartialAlive(int start, int count, int pv, int pr)
    {
        var lo = (pv & 0xFFFFFF) << (6 * pr);
        var hi = Math.Min(lo | ((1 << (6 * pr)) - 1), CharSet.MaxCodePoint);
        lo = Math.Max(lo, MinCodePoint(pv >> 24));
        if (lo > hi)
        {
            return false;
        }
        for (var i = start; i < start + count; i++)
        {
            var top = _set[i];
            if (top != Accept && _g.CharSets[_g.Value[_arena.Pos(top)]].Intersects(lo, hi))
            {
                return true;
            }
        }
        return false;
    }

    private int Consume(int start, int count, int cp, int outStart)
    {
        BeginSet(outStart);
        var value = _g.Value;
        var sets = _g.CharSets;
        for (var i = start; i < start + count; i++)
        {
            var top = _set[i];
            if (top == Accept)
            {
                continue;
            }
            var pos = _arena.Pos(top);
            if (sets[value[pos]].Contains(cp))
            {
                Expand(pos + 1, _arena.Parent(top));
            }
        }
        var n = EndSet();
        return _arena.Overflowed || n > MaxStacks ? 0 : n;
    }

    private void BeginSet(int outStart)
    {
        _outStart = outStart;
        _outCount = 0;
        _expansions = 0;
        _stamp++;
    }

    private int EndSet() => _outCount;

    /// <summary>
    /// Adds to the output set every stack reachable from position <paramref name="pos"/> under <paramref name="parent"/>
    /// without consuming. Depth-first over an explicit work stack, not the call stack: a chain of rules that each start
    /// with the next (a client can send thousands) would otherwise overflow the thread's stack. Expansions are capped at
    /// <see cref="MaxExpansions"/> per set; past that the set counts as dead, like an arena overflow.
    /// </summary>
    private void Expand(int pos, int parent)
    {
        var kind = _g.Kind;
        var top = 0;
        Push(ref top, pos, parent);
        while (top > 0)
        {
            top -= 2;
            pos = _work[top];
            parent = _work[top + 1];
            if (++_expansions > MaxExpansions)
            {
                _arena.Overflowed = true;
                return;
            }
            var done = false;
            while (!done)
            {
                switch (kind[pos])
                {
                    case Grammar.End:
                        if (parent < 0)
                        {
                            Emit(Accept);
                            done = true;
                            break;
                        }
                        // the rule ended: resume the caller where its parent node points
                        pos = _arena.Pos(parent);
                        parent = _arena.Parent(parent);
                        break;
                    case Grammar.Char:
                    {
                        var node = _arena.Intern(pos, parent);
                        if (node >= 0)
                        {
                            Emit(node);
                        }
                        done = true;
                        break;
                    }
                    default:
                    {
                        // tail call: when the reference ends its alternative, the callee returns straight to our parent
                        var caller = kind[pos + 1] == Grammar.End ? parent : _arena.Intern(pos + 1, parent);
                        done = true;
                        if (caller < -1 || (caller == -1 && kind[pos + 1] != Grammar.End))
                        {
                            break; // arena overflow
                        }
                        // pushed last to first, so they are expanded first to last, as the recursive form did
                        var alts = _g.Alternatives[_g.Value[pos]];
                        for (var a = alts.Length - 1; a >= 0; a--)
                        {
                            Push(ref top, alts[a], caller);
                        }
                        break;
                    }
                }
            }
        }
    }

    private void Push(ref int top, int pos, int parent)
    {
        if (top + 2 > _work.Length)
        {
            Array.Resize(ref _work, _work.Length * 2);
        }
        _work[top] = pos;
        _work[top + 1] = parent;
        top += 2;
    }

    private void Emit(int node)
    {
        if (node == Accept)
        {
            if (_acceptStamp == _stamp)
            {
                return;
            }
            _acceptStamp = _stamp;
        }
        else
        {
            if (node >= _seen.Length)
            {
                Array.Resize(ref _seen, Math.Max(node + 1, _seen.Length * 2));
            }
            if (_seen[node] == _stamp)
            {
                return;
            }
            _seen[node] = _stamp;
        }
        if (_outCount > MaxStacks)
        {
            return;
        }
        var at = _outStart + _outCount;
        if (at >= _set.Length)
        {
            Array.Resize(ref _set, _set.Length * 2);
        }
        _set[at] = node;
        _outCount++;
    }
}
