using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// DRY (sampler id 7, samplers.md §5.5), one group per row over the slot's history, the CPU's <c>Dry.Apply</c>
/// step by step: (1) the dry_range window, (2) no penalty for |h| &lt; 2 or a breaker last token x, (3) C, the
/// trailing breaker-free run capped at dry_max_ngram and |h| − 1, found by scanning only the last C + 1 positions
/// in parallel; (4–5) endpoints e &lt; |h| − 1 with h[e] = x, latest first, a chunk of one endpoint per thread at a
/// time: each thread measures its match length k (the costly part), then thread 0 replays the chunk in order with
/// the CPU's cap (dry_max_occurrences) and early exit, keeping m(t) = max(k + 1) in the slot's DryMatch scratch;
/// (6) the visited range again, where the one thread that swaps m(t) back to 0 subtracts
/// multiplier · base^(m − allowed) (precomputed in double on the host, as the CPU computes it). Then the whole row
/// is saturated, as the CPU does after DRY.
/// </summary>
public static class DryKernel
{
    /// <summary>Threads per group (one endpoint each per chunk); the shared k array has this length.</summary>
    public const int GroupSize = 256;

    public static readonly Action<PenaltyTables, PenaltyStep, ArrayView<float>> Entry = Kernel;

    public static void Kernel(PenaltyTables tables, PenaltyStep step, ArrayView<float> logits)
    {
        var row = Grid.IdxX;
        var slot = step.SlotOfRow[row];
        var s = tables.Slots[slot];
        if (step.RowEnabled[row] == 0 || s.DryActive == 0)
        {
            return; // the same for every thread of the group: no barrier is left waiting
        }
        var tid = Group.IdxX;
        var v = tables.Vocab;
        var rowStart = row * v;
        var total = tables.Lengths[slot * 2] + tables.Lengths[(slot * 2) + 1];
        total = total < tables.HistoryCapacity ? total : tables.HistoryCapacity;
        var start = s.DryRange > 0 && s.DryRange < total ? total - s.DryRange : 0;
        var len = total - start;
        var h = (slot * tables.HistoryCapacity) + start; // h[i] = History[h + i]
        var last = len - 1;
        var ks = SharedMemory.Allocate<int>(GroupSize);
        // state: 0 last breaker position, 1 endpoints visited, 2 done, 3 lowest endpoint visited, 4 any candidate
        var state = SharedMemory.Allocate<int>(5);
        var x = len >= 2 ? tables.History[h + last] : 0;
        if (len >= 2 && !IsBreaker(tables, slot, s.BreakerCount, x))
        {
            // Step 3: C from the last breaker among the last cap + 1 positions (none there: C = cap).
            var cap = s.DryMaxNgram < last ? s.DryMaxNgram : last;
            if (tid == 0)
            {
                state[0] = -1;
            }
            Group.Barrier();
            for (var p = last - cap + tid; p <= last; p += Group.DimX)
            {
                if (IsBreaker(tables, slot, s.BreakerCount, tables.History[h + p]))
                {
                    Atomic.Max(ref state[0], p);
                }
            }
            Group.Barrier();
            var lastBreaker = state[0];
            var c = lastBreaker < 0 || last - lastBreaker > cap ? cap : last - lastBreaker;
            if (c > s.DryAllowedLength)
            {
                Walk(tables, slot, s, h, last, x, c, ks, state);
                if (state[4] != 0)
                {
                    Penalise(tables, slot, s, h, last, x, state[3], logits, rowStart);
                }
            }
        }
        Group.Barrier();
        for (var i = tid; i < v; i += Group.DimX)
        {
            logits[rowStart + i] = PenaltyTables.Saturate(logits[rowStart + i]);
        }
    }

    /// <summary>Steps 4–5: m(t) into DryMatch; leaves state[3] = the lowest endpoint visited, state[4] = 1 when any candidate was found.</summary>
    private static void Walk(PenaltyTables tables, int slot, PenaltySlot s, int h, int last, int x, int c,
        ArrayView<int> ks, ArrayView<int> state)
    {
        var tid = Group.IdxX;
        if (tid == 0)
        {
            state[1] = 0;
            state[2] = 0;
            state[3] = last;
            state[4] = 0;
        }
        for (var top = last - 1; top >= 0; top -= Group.DimX)
        {
            var e = top - tid;
            var k = -1;
            if (e >= 0 && tables.History[h + e] == x)
            {
                var limit = e < c ? e : c;
                k = 0;
                while (k < limit)
                {
                    var prev = tables.History[h + e - k - 1];
                    if (IsBreaker(tables, slot, s.BreakerCount, prev) || prev != tables.History[h + last - k - 1])
                    {
                        break;
                    }
                    k++;
                }
            }
            ks[tid] = k;
            Group.Barrier();
            if (tid == 0)
            {
                Replay(tables, slot, s, h, top, ks, state);
            }
            Group.Barrier();
            if (state[2] != 0)
            {
                break;
            }
        }
    }

    /// <summary>Thread 0 visits the chunk's endpoints latest first, exactly as the CPU loop does.</summary>
    private static void Replay(PenaltyTables tables, int slot, PenaltySlot s, int h, int top, ArrayView<int> ks, ArrayView<int> state)
    {
        var n = top + 1 < Group.DimX ? top + 1 : Group.DimX;
        var visited = state[1];
        var done = 0;
        for (var j = 0; j < n && done == 0; j++)
        {
            var k = ks[j];
            if (k < 0)
            {
                continue;
            }
            visited++;
            state[3] = top - j;
            if (k > 0)
            {
                var t = tables.History[h + top - j + 1];
                if ((uint)t < (uint)tables.Vocab)
                {
                    state[4] = 1;
                    var at = (slot * tables.Vocab) + t;
                    tables.DryMatch[at] = tables.DryMatch[at] > k + 1 ? tables.DryMatch[at] : k + 1;
                }
                if (k + 1 >= s.DryEarlyExitMatchLength)
                {
                    done = 1;
                }
            }
            // The CPU stops at the next endpoint once the cap is reached; no later endpoint can add a candidate.
            if (s.DryMaxOccurrences > 0 && visited == s.DryMaxOccurrences)
            {
                done = 1;
            }
        }
        state[1] = visited;
        state[2] = done;
    }

    /// <summary>Step 6 over endpoints in [lowest, last): each candidate's m(t) is taken (and zeroed) by one thread.</summary>
    private static void Penalise(PenaltyTables tables, int slot, PenaltySlot s, int h, int last, int x, int lowest,
        ArrayView<float> logits, int rowStart)
    {
        for (var e = lowest + Group.IdxX; e < last; e += Group.DimX)
        {
            if (tables.History[h + e] != x)
            {
                continue;
            }
            var t = tables.History[h + e + 1];
            if ((uint)t >= (uint)tables.Vocab)
            {
                continue;
            }
            var m = Atomic.Exchange(ref tables.DryMatch[(slot * tables.Vocab) + t], 0);
            if (m > 0 && m >= s.DryAllowedLength)
            {
                logits[rowStart + t] -= Penalty(tables, slot, m - s.DryAllowedLength);
            }
        }
    }

    /// <summary>(float)(multiplier · base^j) as the CPU computes it, from the host's table (BeginRequest sized it to every reachable j).</summary>
    private static float Penalty(PenaltyTables tables, int slot, int j) => tables.DryPenalties[(slot * tables.DryTableLength) + j];

    /// <summary>Binary search of the slot's sorted breaker list.</summary>
    private static bool IsBreaker(PenaltyTables tables, int slot, int count, int id)
    {
        var lo = slot * tables.BreakerCapacity;
        var hi = lo + count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            var b = tables.Breakers[mid];
            if (b == id)
            {
                return true;
            }
            if (b < id)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return false;
    }
}
