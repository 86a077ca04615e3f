namespace Engine.Tokenization;

/// <summary>The BPE merge loop of HF's <c>Word::merge_all</c>: repeatedly apply the applicable merge with the lowest
/// rank, leftmost first on equal ranks, until none applies. A binary heap of (rank, position) with lazy
/// invalidation and a doubly linked symbol list make it O(n log n) in the word length.</summary>
internal sealed class BpeMerger(Dictionary<long, long> merges)
{
    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>A merge table keyed by <see cref="PairKey"/>. long's own hash is <c>left ^ right</c>, which piles
    /// hundreds of thousands of pairs of 18-bit ids into a few buckets; a multiplicative hash spreads them.</summary>
    public static Dictionary<long, long> CreateTable(int capacity) => new(capacity, PairComparer.Instance);

    private sealed class PairComparer : IEqualityComparer<long>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
    }

    /// <summary>Merges <paramref name="symbols"/> (token ids) and returns the resulting ids.</summary>
    public int[] MergeAll(List<int> symbols)
    {
        var n = symbols.Count;
        if (n == 1)
        {
            return [symbols[0]];
        }
        var ids = symbols.ToArray();
        var prev = new int[n];
        var next = new int[n];
        for (var i = 0; i < n; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // Heap entries pack (rank << 32 | position): the smallest is the lowest rank, then the leftmost.
        var heap = new PriorityQueue<int, long>(n);
        for (var i = 0; i + 1 < n; i++)
        {
            if (merges.TryGetValue(PairKey(ids[i], ids[i + 1]), out var m))
            {
                heap.Enqueue(i, (m & ~0xFFFFFFFFL) | (uint)i);
            }
        }
        var alive = n;
        while (heap.TryDequeue(out var pos, out var key))
        {
            var right = next[pos];
            if (ids[pos] < 0 || right < 0)
            {
                continue;
            }
            // Stale entry: the pair at pos changed since it was queued.
            if (!merges.TryGetValue(PairKey(ids[pos], ids[right]), out var m) || (m >> 32) != (key >> 32))
            {
                continue;
            }
            ids[pos] = (int)(m & 0xFFFFFFFF);
            ids[right] = -1;
            alive--;
            var after = next[right];
            next[pos] = after;
            if (after >= 0)
            {
                prev[after] = pos;
            }
            var before = prev[pos];
            if (before >= 0 && merges.TryGetValue(PairKey(ids[before], ids[pos]), out var mb))
            {
                heap.Enqueue(before, (mb & ~0xFFFFFFFFL) | (uint)before);
            }
            if (after >= 0 && merges.TryGetValue(PairKey(ids[pos], ids[after]), out var ma))
            {
                heap.Enqueue(pos, (ma & ~0xFFFFFFFFL) | (uint)pos);
            }
        }
        var result = new int[alive];
        var k = 0;
        for (var i = 0; i >= 0; i = next[i])
        {
            result[k++] = ids[i];
        }
        return result;
    }
}
