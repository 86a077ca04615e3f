using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// TFS (§7.5) on the device, aph-0.6 exactly as the CPU's <c>TailFree</c>: over the alive tokens sorted by p
/// descending (<see cref="RowSort"/>; removed tokens are zeros past them), d_j = |q_j − 2q_{j+1} + q_{j+2}|,
/// D = normalised cumulative d; position j+1 is removed iff D_j &gt; z, position 1 never, position V always (when
/// every token is alive); Σd = 0 removes only position V; V &lt; 3 is a no-op. Sums in double; the cumulative is a
/// chunked scan (Σd then divide, where the CPU adds d/Σd term by term: ~1e−16 apart).
/// </summary>
public static class TailFreeKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<ulong>, ArrayView<RowSamplingParams>, ArrayView<int>, SortShape> Entry = Kernel;

    /// <param name="logits">(rows, vocab), rewritten in place.</param>
    /// <param name="probs">(rows, vocab) scratch: the row's softmax.</param>
    /// <param name="keys">(rows, keyStride) scratch: the sorted order.</param>
    public static void Kernel(ArrayView<float> logits, ArrayView<float> probs, ArrayView<ulong> keys, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, SortShape shape)
    {
        var row = rows[Grid.IdxX];
        var vocab = shape.Vocab;
        var start = row * vocab;
        var keyStart = row * shape.KeyStride;
        if (vocab < 3 || !RowMath.Softmax(logits, probs, start, vocab))
        {
            return;
        }
        var alive = RowSort.SortAlive(logits, probs, keys, start, keyStart, vocab);
        var terms = XMath.Min(alive, vocab - 2);
        var total = 0.0;
        for (var j = 1 + Group.IdxX; j <= terms; j += Group.DimX)
        {
            total += Difference(probs, keys, start, keyStart, alive, j);
        }
        total = RowReductions.Sum(total);
        if (total > 0)
        {
            var z = parameters[row].Tfs;
            var length = XMath.Min(terms, alive - 1);
            var chunk = RowSort.Chunk(length);
            var first = 1 + (Group.IdxX * chunk);
            var last = XMath.Min(first + chunk - 1, length);
            var partial = 0.0;
            for (var j = first; j <= last; j++)
            {
                partial += Difference(probs, keys, start, keyStart, alive, j);
            }
            var cumulative = RowSort.ExclusivePrefix(partial);
            for (var j = first; j <= last; j++)
            {
                cumulative += Difference(probs, keys, start, keyStart, alive, j);
                if (cumulative / total > z)
                {
                    logits[start + OrderKey.IdOf(keys[keyStart + j])] = float.NegativeInfinity;
                }
            }
        }
        if (alive == vocab && Group.IdxX == 0)
        {
            logits[start + OrderKey.IdOf(keys[keyStart + vocab - 1])] = float.NegativeInfinity;
        }
        Group.Barrier();
    }

    // |q_j − 2q_{j+1} + q_{j+2}| at 1-based sorted position j, q zero past the alive tokens.
    private static double Difference(ArrayView<float> probs, ArrayView<ulong> keys, int start, int keyStart, int alive, int j) =>
        XMath.Abs((double)Q(probs, keys, start, keyStart, alive, j) - (2.0 * Q(probs, keys, start, keyStart, alive, j + 1)) + Q(probs, keys, start, keyStart, alive, j + 2));

    private static float Q(ArrayView<float> probs, ArrayView<ulong> keys, int start, int keyStart, int alive, int j) =>
        j <= alive ? probs[start + OrderKey.IdOf(keys[keyStart + j - 1])] : 0f;
}
