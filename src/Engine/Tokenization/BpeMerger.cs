namespace Engine.Tokenization;

/// <summary>The BPE merge loop of HF's <c>Word::merge_all</c>: repeatedly apply the applicable merge with the lowest
/// rank, leftmost first on equal ranks, until none applies. A binary min-heap of (rank, position) packed in one
/// long, lazy invalidation and a doubly linked symbol list make it O(n log n) in the word length.</summary>
internal sealed class BpeMerger(MergeTable merges)
{
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
        var heap = new long[n + 8];
        var count = 0;
        for (var i = 0; i + 1 < n; i++)
        {
            if (merges.TryGet(ids[i], ids[i + 1], out var rank, out _))
            {
                Push(ref heap, ref count, ((long)rank << 32) | (uint)i);
            }
        }
        var alive = n;
        while (count > 0)
        {
            var top = Pop(heap, ref count);
            var pos = (int)(top & 0xFFFFFFFF);
            var right = next[pos];
            if (ids[pos] < 0 || right < 0)
            {
                continue;
            }
            // Stale entry: the pair at pos changed since it was queued.
            if (!merges.TryGet(ids[pos], ids[right], out var rank, out var merged) || rank != (int)(top >> 32))
            {
                continue;
            }
            ids[pos] = merged;
            ids[right] = -1;
            alive--;
            var after = next[right];
            next[pos] = after;
            if (after >= 0)
            {
                prev[after] = pos;
            }
            var before = prev[pos];
            if (before >= 0 && merges.TryGet(ids[before], merged, out var rankBefore, out _))
            {
                Push(ref heap, ref count, ((long)rankBefore << 32) | (uint)before);
            }
            if (after >= 0 && merges.TryGet(merged, ids[after], out var rankAfter, out _))
            {
                Push(ref heap, ref count, ((long)rankAfter << 32) | (uint)pos);
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

    private static void Push(ref long[] heap, ref int count, long entry)
    {
        if (count == heap.Length)
        {
            Array.Resize(ref heap, heap.Length * 2);
        }
        var i = count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (heap[parent] <= entry)
            {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = entry;
    }

    private static long Pop(long[] heap, ref int count)
    {
        var top = heap[0];
        var last = heap[--count];
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= count)
            {
                break;
            }
            if (child + 1 < count && heap[child + 1] < heap[child])
            {
                child++;
            }
            if (last <= heap[child])
            {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (count > 0)
        {
            heap[i] = last;
        }
        return top;
    }
}
