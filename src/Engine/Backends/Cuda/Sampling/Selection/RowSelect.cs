using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// Radix select over a row's 64-bit <see cref="OrderKey"/>s by one group (no sort): eight passes of 8-bit digits,
/// most significant first, each a shared-memory histogram (count and fixed-point mass per digit, by atomics) over
/// the tokens whose key matches the digits fixed so far; thread 0 walks the 256 digits from the top. A pass whose
/// chosen digit holds one token ends the search with one more pass that finds it, so a row with distinct values
/// costs four histogram passes and a find pass. Two questions, both exact (integer counts and masses):
/// by count, the token of rank k (1-based) in the order; by mass, the first token whose inclusive cumulative mass
/// in the order reaches the target (top-p, typical-p, the draw).
/// </summary>
internal static class RowSelect
{
    /// <summary>Digits per pass; the kernels run groups of exactly this many threads (one histogram bin each).</summary>
    public const int Bins = 256;

    /// <summary>
    /// The selected token's key, the count and mass of the tokens ranked above it, and whether there was one (by count:
    /// fewer than k candidates; by mass: the candidates' total stays below the target). Read by every thread.
    /// </summary>
    public readonly record struct Result(ulong Key, int CountAbove, ulong MassAbove, bool Found);

    /// <param name="values">The row's order values (logits, probabilities, typical's deviations).</param>
    /// <param name="logits">The row's logits: with <paramref name="aliveOnly"/>, tokens at −∞ take no part.</param>
    /// <param name="probs">The row's probabilities, read only <paramref name="byMass"/>.</param>
    /// <param name="target">By count: k ≥ 1. By mass: the fixed-point target (≥ 1).</param>
    public static Result Select(ArrayView<float> values, ArrayView<float> logits, ArrayView<float> probs, int start, int n,
        bool ascending, bool aliveOnly, bool byMass, ulong target)
    {
        var counts = SharedMemory.Allocate<int>(Bins);
        var masses = SharedMemory.Allocate<ulong>(Bins);
        // prefix, remaining target, mass above
        var state = SharedMemory.Allocate<ulong>(3);
        // count above, found, resolved (the prefix names one token)
        var flags = SharedMemory.Allocate<int>(3);
        var tid = Group.IdxX;
        if (tid == 0)
        {
            state[0] = 0;
            state[1] = target;
            state[2] = 0;
            flags[0] = 0;
            flags[1] = 1;
            flags[2] = 0;
        }
        Group.Barrier();
        var mask = 0UL;
        for (var shift = 56; shift >= 0; shift -= 8)
        {
            if (flags[2] != 0)
            {
                break;
            }
            counts[tid] = 0;
            masses[tid] = 0;
            Group.Barrier();
            var prefix = state[0];
            for (var i = tid; i < n; i += Group.DimX)
            {
                if (!aliveOnly || logits[start + i] > float.NegativeInfinity)
                {
                    var key = OrderKey.Of(values[start + i], i, ascending);
                    if ((key & mask) == prefix)
                    {
                        var digit = (int)((key >> shift) & 255UL);
                        Atomic.Add(ref counts[digit], 1);
                        if (byMass)
                        {
                            Atomic.Add(ref masses[digit], OrderKey.Mass(probs[start + i]));
                        }
                    }
                }
            }
            Group.Barrier();
            if (tid == 0)
            {
                Walk(counts, masses, state, flags, shift, byMass);
            }
            Group.Barrier();
            mask |= 255UL << shift;
        }
        if (flags[1] != 0 && mask != ulong.MaxValue)
        {
            // The prefix matches exactly one candidate: that thread writes its whole key.
            var prefix = state[0];
            for (var i = tid; i < n; i += Group.DimX)
            {
                if (!aliveOnly || logits[start + i] > float.NegativeInfinity)
                {
                    var key = OrderKey.Of(values[start + i], i, ascending);
                    if ((key & mask) == prefix)
                    {
                        state[0] = key;
                    }
                }
            }
            Group.Barrier();
        }
        var result = new Result(state[0], flags[0], state[2], flags[1] != 0);
        // Every thread has read the state before a later call may reset it.
        Group.Barrier();
        return result;
    }

    // Thread 0: from the highest digit down, skip whole digits while they stay short of the target, then take the
    // digit in which it is reached.
    private static void Walk(ArrayView<int> counts, ArrayView<ulong> masses, ArrayView<ulong> state, ArrayView<int> flags, int shift, bool byMass)
    {
        var remaining = state[1];
        var above = state[2];
        var countAbove = flags[0];
        for (var digit = Bins - 1; digit >= 0; digit--)
        {
            var count = counts[digit];
            if (count == 0)
            {
                continue;
            }
            var weight = byMass ? masses[digit] : (ulong)count;
            if (weight >= remaining)
            {
                state[0] |= (ulong)digit << shift;
                state[1] = remaining;
                state[2] = above;
                flags[0] = countAbove;
                flags[2] = count == 1 ? 1 : 0;
                return;
            }
            remaining -= weight;
            above += masses[digit];
            countAbove += count;
        }
        flags[1] = 0;
        flags[2] = 1;
    }
}
