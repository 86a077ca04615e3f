using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// Mirostat v2's truncation (§7.12) on the device: remove alive tokens with surprisal −log2 p_i &gt; μ except the
/// argmax; S5's softmax then gives q. μ's update after the draw is <see cref="DrawKernel"/>'s.
/// </summary>
public static class MirostatKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> Entry = Kernel;

    /// <param name="logits">(rows, vocab), rewritten in place.</param>
    /// <param name="probs">(rows, vocab) scratch: the row's softmax.</param>
    public static void Kernel(ArrayView<float> logits, ArrayView<float> probs, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, int vocab)
    {
        var row = rows[Grid.IdxX];
        var start = row * vocab;
        if (!RowMath.Softmax(logits, probs, start, vocab))
        {
            return;
        }
        var top = RowMath.ArgMax(probs, start, vocab);
        var mu = parameters[row].MirostatMu;
        for (var i = Group.IdxX; i < vocab; i += Group.DimX)
        {
            if (i != top && logits[start + i] > float.NegativeInfinity && -XMath.Log2(probs[start + i]) > mu)
            {
                logits[start + i] = float.NegativeInfinity;
            }
        }
        Group.Barrier();
    }
}
