using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// TOP_P_TOP_K (§7.2) on the device, top-k first, by radix select (<see cref="RowSelect"/>), no sort. Top-k keeps
/// ℓ ≥ the k-th largest alive logit (ties at the boundary survive). Top-p, on the survivors' softmax: in descending
/// order (ties by id) token j survives iff the mass strictly above it is &lt; top_p, so the last survivor is the first
/// token whose inclusive cumulative mass reaches top_p; every token after it is removed.
/// </summary>
public static class TopKTopPKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> Entry = Kernel;

    /// <param name="logits">(rows, vocab), rewritten in place.</param>
    /// <param name="probs">(rows, vocab) scratch: the softmax top-p walks.</param>
    public static void Kernel(ArrayView<float> logits, ArrayView<float> probs, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, int vocab)
    {
        var row = rows[Grid.IdxX];
        var start = row * vocab;
        var p = parameters[row];
        if (p.TopK > 0 && RowMath.AliveCount(logits, start, vocab) > p.TopK)
        {
            var kth = RowSelect.Select(logits, logits, probs, start, vocab, false, true, false, (ulong)p.TopK);
            RowMath.RemoveBelow(logits, logits, start, vocab, OrderKey.ValueOf(kth.Key), -1);
        }
        if (p.TopP < 1f && RowMath.Softmax(logits, probs, start, vocab))
        {
            var last = RowSelect.Select(probs, logits, probs, start, vocab, false, true, true, OrderKey.AtLeast(p.TopP));
            if (last.Found)
            {
                for (var i = Group.IdxX; i < vocab; i += Group.DimX)
                {
                    if (logits[start + i] > float.NegativeInfinity && OrderKey.Of(probs[start + i], i, false) < last.Key)
                    {
                        logits[start + i] = float.NegativeInfinity;
                    }
                }
                Group.Barrier();
            }
        }
    }
}
