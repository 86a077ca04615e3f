using Engine.Sampling;
using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// The top-n log-probabilities of §10 on the device: the n best tokens of the final distribution by p descending,
/// equal values by ascending id (removed tokens rank last, by id, at −9999), as the CPU's <c>TokenLogprobs.Top</c>.
/// Radix select finds the n-th key; the n tokens at or above it are gathered in shared memory and ordered by thread 0
/// (n ≤ <see cref="MaxTop"/>), so only n (id, logprob) pairs per row leave the device.
/// </summary>
public static class TopLogprobsKernel
{
    /// <summary>Most top logprobs a row may ask for on the device (the API's limit is 20).</summary>
    public const int MaxTop = 64;

    public static readonly Action<ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int> Entry = Kernel;

    /// <param name="probs">(rows, vocab) the final distribution.</param>
    /// <param name="ids">(rows, <see cref="MaxTop"/>) the chosen ids, best first.</param>
    /// <param name="logprobs">(rows, <see cref="MaxTop"/>) their ln p.</param>
    public static void Kernel(ArrayView<float> probs, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, ArrayView<int> ids, ArrayView<float> logprobs, int vocab)
    {
        var row = rows[Grid.IdxX];
        var start = row * vocab;
        var n = XMath.Min(XMath.Min(parameters[row].TopLogprobs, MaxTop), vocab);
        if (n <= 0)
        {
            return;
        }
        var kth = RowSelect.Select(probs, probs, probs, start, vocab, false, false, false, (ulong)n);
        var keys = SharedMemory.Allocate<ulong>(MaxTop);
        var filled = SharedMemory.Allocate<int>(1);
        if (Group.IdxX == 0)
        {
            filled[0] = 0;
        }
        Group.Barrier();
        for (var i = Group.IdxX; i < vocab; i += Group.DimX)
        {
            var key = OrderKey.Of(probs[start + i], i, false);
            if (key >= kth.Key)
            {
                keys[Atomic.Add(ref filled[0], 1)] = key;
            }
        }
        Group.Barrier();
        if (Group.IdxX == 0)
        {
            // Insertion sort of the n keys, largest first (n is small).
            for (var a = 1; a < n; a++)
            {
                var key = keys[a];
                var b = a - 1;
                while (b >= 0 && keys[b] < key)
                {
                    keys[b + 1] = keys[b];
                    b--;
                }
                keys[b + 1] = key;
            }
            for (var j = 0; j < n; j++)
            {
                var id = OrderKey.IdOf(keys[j]);
                var q = probs[start + id];
                ids[(row * MaxTop) + j] = id;
                logprobs[(row * MaxTop) + j] = q > 0f ? XMath.Log(q) : TokenLogprobs.Removed;
            }
        }
    }
}
