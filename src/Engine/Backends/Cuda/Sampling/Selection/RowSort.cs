using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// The full order of a row's alive tokens for the samplers that need every rank (TFS, skew): their
/// <see cref="OrderKey"/>s (p descending, ties by id) gathered into a key row and sorted by one group with a
/// bitonic network in global memory, padded to a power of two with key 0 (which sorts last). Only the alive tokens
/// are sorted, so after a truncation stage the sort is small. Also the chunked scan those samplers walk the order with.
/// </summary>
internal static class RowSort
{
    /// <summary>Key-row length for a vocabulary: the power of two at or above it.</summary>
    public static int KeyStride(int vocab)
    {
        var m = 1;
        while (m < vocab)
        {
            m <<= 1;
        }
        return m;
    }

    /// <summary>Sorts the alive tokens' keys into <c>keys[keyStart..]</c>, largest first; returns how many are alive.</summary>
    public static int SortAlive(ArrayView<float> logits, ArrayView<float> probs, ArrayView<ulong> keys, int start, int keyStart, int n)
    {
        var filled = SharedMemory.Allocate<int>(1);
        if (Group.IdxX == 0)
        {
            filled[0] = 0;
        }
        Group.Barrier();
        for (var i = Group.IdxX; i < n; i += Group.DimX)
        {
            if (logits[start + i] > float.NegativeInfinity)
            {
                keys[keyStart + Atomic.Add(ref filled[0], 1)] = OrderKey.Of(probs[start + i], i, false);
            }
        }
        Group.Barrier();
        var count = filled[0];
        Group.Barrier();
        var m = KeyStride(count);
        for (var i = count + Group.IdxX; i < m; i += Group.DimX)
        {
            keys[keyStart + i] = 0;
        }
        Group.Barrier();
        for (var size = 2; size <= m; size <<= 1)
        {
            for (var stride = size >> 1; stride > 0; stride >>= 1)
            {
                for (var t = Group.IdxX; t < (m >> 1); t += Group.DimX)
                {
                    var i = (2 * stride * (t / stride)) + (t % stride);
                    var j = i + stride;
                    var a = keys[keyStart + i];
                    var b = keys[keyStart + j];
                    // Blocks with bit `size` clear sort descending, the others ascending; the last merge is all descending.
                    if ((a < b) == ((i & size) == 0))
                    {
                        keys[keyStart + i] = b;
                        keys[keyStart + j] = a;
                    }
                }
                Group.Barrier();
            }
        }
        return count;
    }

    /// <summary>
    /// The exclusive prefix of <paramref name="partial"/> over the threads (thread t's sum of everything before its
    /// chunk): the partials staged in shared memory and scanned by thread 0, in thread order, so deterministic.
    /// </summary>
    public static double ExclusivePrefix(double partial)
    {
        var sums = SharedMemory.Allocate<double>(RowSelect.Bins);
        sums[Group.IdxX] = partial;
        Group.Barrier();
        if (Group.IdxX == 0)
        {
            var running = 0.0;
            for (var t = 0; t < Group.DimX; t++)
            {
                var s = sums[t];
                sums[t] = running;
                running += s;
            }
        }
        Group.Barrier();
        var before = sums[Group.IdxX];
        Group.Barrier();
        return before;
    }

    /// <summary>Positions per thread when <paramref name="length"/> positions are split into one contiguous chunk per thread.</summary>
    public static int Chunk(int length) => (length + Group.DimX - 1) / Group.DimX;
}
