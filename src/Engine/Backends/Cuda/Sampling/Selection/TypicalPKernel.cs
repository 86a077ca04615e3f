using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// TYPICAL_P (§7.8) on the device, by radix select instead of the CPU's sort: δ_i = |−H(p) − ln p_i| (in double as the
/// CPU, with ln p in float32 as <see cref="RowMath.Entropy"/> explains, stored as float), ordered ascending with ties by id; walking that order, the token at which the running
/// mass first reaches typical_p is removed with every token after it, except the first token, which always survives.
/// </summary>
public static class TypicalPKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> Entry = Kernel;

    /// <param name="logits">(rows, vocab), rewritten in place.</param>
    /// <param name="probs">(rows, vocab) scratch: the row's softmax.</param>
    /// <param name="deviations">(rows, vocab) scratch: δ.</param>
    public static void Kernel(ArrayView<float> logits, ArrayView<float> probs, ArrayView<float> deviations, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, int vocab)
    {
        var row = rows[Grid.IdxX];
        var start = row * vocab;
        if (!RowMath.Softmax(logits, probs, start, vocab))
        {
            return;
        }
        var negEntropy = -RowMath.Entropy(probs, start, vocab);
        for (var i = Group.IdxX; i < vocab; i += Group.DimX)
        {
            // ln 0 = −∞ gives δ = +∞: an alive token whose probability underflowed sorts last.
            deviations[start + i] = (float)XMath.Abs(negEntropy - XMath.Log(probs[start + i]));
        }
        Group.Barrier();
        var cut = RowSelect.Select(deviations, logits, probs, start, vocab, true, true, true, OrderKey.AtLeast(parameters[row].TypicalP));
        if (!cut.Found)
        {
            return;
        }
        // The first token is exempt: then the cut starts just after it.
        var first = cut.CountAbove == 0;
        for (var i = Group.IdxX; i < vocab; i += Group.DimX)
        {
            if (logits[start + i] > float.NegativeInfinity)
            {
                var key = OrderKey.Of(deviations[start + i], i, true);
                if (key < cut.Key || (!first && key == cut.Key))
                {
                    logits[start + i] = float.NegativeInfinity;
                }
            }
        }
        Group.Barrier();
    }
}
