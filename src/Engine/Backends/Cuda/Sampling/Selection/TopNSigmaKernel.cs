using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// TOP_NSIGMA (§7.1) on the device: keep alive ℓ ≥ max ℓ − n·σ, σ the sample standard deviation (N − 1) over the
/// alive tokens, mean and squares accumulated in double as the CPU does; N &lt; 2 is a no-op.
/// </summary>
public static class TopNSigmaKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> Entry = Kernel;

    /// <param name="logits">(rows, vocab), rewritten in place.</param>
    /// <param name="probs">unused (the stages share one signature).</param>
    public static void Kernel(ArrayView<float> logits, ArrayView<float> probs, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, int vocab)
    {
        var row = rows[Grid.IdxX];
        var start = row * vocab;
        var count = 0;
        var sum = 0.0;
        var max = float.NegativeInfinity;
        for (var i = Group.IdxX; i < vocab; i += Group.DimX)
        {
            var l = logits[start + i];
            if (l > float.NegativeInfinity)
            {
                count++;
                sum += l;
                max = XMath.Max(max, l);
            }
        }
        count = RowReductions.Sum(count);
        if (count < 2)
        {
            return;
        }
        var mean = RowReductions.Sum(sum) / count;
        max = RowReductions.Max(max);
        var squares = 0.0;
        for (var i = Group.IdxX; i < vocab; i += Group.DimX)
        {
            var l = logits[start + i];
            if (l > float.NegativeInfinity)
            {
                squares += (l - mean) * (l - mean);
            }
        }
        var sigma = XMath.Sqrt(RowReductions.Sum(squares) / (count - 1));
        var tau = (float)(max - (parameters[row].Nsigma * sigma));
        RowMath.RemoveBelow(logits, logits, start, vocab, tau, -1);
    }
}
