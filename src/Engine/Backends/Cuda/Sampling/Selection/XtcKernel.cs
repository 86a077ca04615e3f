using Engine.Sampling;
using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// XTC (§7.10) on the device: with probability xtc_probability (the coin u(seed, choice, step, 1) of the CPU's own
/// <see cref="SamplingRandom.Uniform"/>), remove every alive token with p ≥ threshold except the least likely of
/// them (ties: the highest id, the last in the order), when there are at least two. The kept token is the band's
/// smallest <see cref="OrderKey"/>: one min-reduction, no sort.
/// </summary>
public static class XtcKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, int> Entry = Kernel;

    /// <param name="logits">(rows, vocab), rewritten in place.</param>
    /// <param name="probs">(rows, vocab) scratch: the row's softmax.</param>
    public static void Kernel(ArrayView<float> logits, ArrayView<float> probs, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, int vocab)
    {
        var row = rows[Grid.IdxX];
        var start = row * vocab;
        var p = parameters[row];
        var coin = SamplingRandom.Uniform(p.Seed, p.Choice, p.Step, SamplingRandom.XtcPurpose);
        if (coin >= p.XtcProbability || !RowMath.Softmax(logits, probs, start, vocab))
        {
            return;
        }
        var count = 0;
        var last = ulong.MaxValue;
        for (var i = Group.IdxX; i < vocab; i += Group.DimX)
        {
            var q = probs[start + i];
            if (InBand(logits[start + i], q, p.XtcThreshold))
            {
                count++;
                var key = OrderKey.Of(q, i, false);
                last = key < last ? key : last;
            }
        }
        count = RowReductions.Sum(count);
        last = RowReductions.Min(last);
        if (count < 2)
        {
            return;
        }
        for (var i = Group.IdxX; i < vocab; i += Group.DimX)
        {
            if (InBand(logits[start + i], probs[start + i], p.XtcThreshold) && OrderKey.Of(probs[start + i], i, false) != last)
            {
                logits[start + i] = float.NegativeInfinity;
            }
        }
        Group.Barrier();
    }

    private static bool InBand(float logit, float probability, float threshold) =>
        logit > float.NegativeInfinity && probability >= threshold && probability < float.PositiveInfinity;
}
