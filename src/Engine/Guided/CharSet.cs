namespace Engine.Guided;

/// <summary>
/// A set of Unicode code points as sorted, disjoint, non-adjacent inclusive ranges, with a 128-bit ASCII bitmap
/// so the common case is one shift and mask. Immutable once built.
/// </summary>
internal sealed class CharSet
{
    public const int MaxCodePoint = 0x10FFFF;

    private readonly int[] _lo;
    private readonly int[] _hi;
    private readonly ulong _ascii0;
    private readonly ulong _ascii1;

    private CharSet(int[] lo, int[] hi)
    {
        _lo = lo;
        _hi = hi;
        for (var r = 0; r < lo.Length && lo[r] < 128; r++)
        {
            for (var c = lo[r]; c <= Math.Min(hi[r], 127); c++)
            {
                if (c < 64)
                {
                    _ascii0 |= 1UL << c;
                }
                else
                {
                    _ascii1 |= 1UL << (c - 64);
                }
            }
        }
    }

    public int RangeCount => _lo.Length;

    public (int Lo, int Hi) Range(int i) => (_lo[i], _hi[i]);

    public bool IsEmpty => _lo.Length == 0;

    /// <summary>Builds the set from arbitrary (possibly overlapping) inclusive ranges, complemented when <paramref name="negated"/>.</summary>
    public static CharSet From(IEnumerable<(int Lo, int Hi)> ranges, bool negated = false)
    {
        var sorted = ranges.Where(r => r.Lo <= r.Hi).OrderBy(r => r.Lo).ToList();
        var lo = new List<int>();
        var hi = new List<int>();
        foreach (var (l, h) in sorted)
        {
            if (lo.Count > 0 && l <= hi[^1] + 1)
            {
                hi[^1] = Math.Max(hi[^1], h);
            }
            else
            {
                lo.Add(l);
                hi.Add(h);
            }
        }
        if (!negated)
        {
            return new CharSet([.. lo], [.. hi]);
        }
        var nlo = new List<int>();
        var nhi = new List<int>();
        var next = 0;
        for (var i = 0; i < lo.Count; i++)
        {
            if (lo[i] > next)
            {
                nlo.Add(next);
                nhi.Add(lo[i] - 1);
            }
            next = hi[i] + 1;
        }
        if (next <= MaxCodePoint)
        {
            nlo.Add(next);
            nhi.Add(MaxCodePoint);
        }
        return new CharSet([.. nlo], [.. nhi]);
    }

    public static CharSet Single(int codePoint) => new([codePoint], [codePoint]);

    public IEnumerable<(int Lo, int Hi)> Ranges()
    {
        for (var i = 0; i < _lo.Length; i++)
        {
            yield return (_lo[i], _hi[i]);
        }
    }

    /// <summary>This set minus <paramref name="other"/>.</summary>
    public CharSet Except(CharSet other) => From(IntersectRanges(Ranges(), From(other.Ranges(), negated: true).Ranges()));

    private static IEnumerable<(int, int)> IntersectRanges(IEnumerable<(int Lo, int Hi)> a, IEnumerable<(int Lo, int Hi)> b)
    {
        var bl = b.ToList();
        foreach (var (alo, ahi) in a)
        {
            foreach (var (blo, bhi) in bl)
            {
                var lo = Math.Max(alo, blo);
                var hi = Math.Min(ahi, bhi);
                if (lo <= hi)
                {
                    yield return (lo, hi);
                }
            }
        }
    }

    public bool Contains(int c)
    {
        if (c < 64)
        {
            return ((_ascii0 >> c) & 1) != 0;
        }
        if (c < 128)
        {
            return ((_ascii1 >> (c - 64)) & 1) != 0;
        }
        // binary search for the last range starting at or below c
        int l = 0, h = _lo.Length - 1;
        while (l <= h)
        {
            var m = (l + h) >> 1;
            if (_lo[m] <= c)
            {
                if (c <= _hi[m])
                {
                    return true;
                }
                l = m + 1;
            }
            else
            {
                h = m - 1;
            }
        }
        return false;
    }

    /// <summary>Whether some code point in [lo, hi] is in the set (a partial UTF-8 sequence's possible completions).</summary>
    public bool Intersects(int lo, int hi)
    {
        for (var r = 0; r < _lo.Length; r++)
        {
            if (_lo[r] <= hi && lo <= _hi[r])
            {
                return true;
            }
        }
        return false;
    }
}
