using Engine.Sampling;
using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// S5 and selection (§3.6, §8.1, §7.12) on the device: p = softmax(ℓ) (the final distribution, left in probs), then
/// greedy argmax, or the seeded categorical draw: with u = u(seed, choice, step, 2) from the CPU's own
/// <see cref="SamplingRandom.Uniform"/>, the first token in the order (p descending, ties by id) whose cumulative mass
/// exceeds u·Σp, found by radix select on exact fixed-point masses. Under Mirostat, μ ← μ − η(−log2 q − τ).
/// </summary>
public static class DrawKernel
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<RowSamplingParams>, ArrayView<int>, ArrayView<SampledToken>, int> Entry = Kernel;

    /// <param name="logits">(rows, vocab), read.</param>
    /// <param name="probs">(rows, vocab): the final distribution, written.</param>
    /// <param name="tokens">(rows) the result per row.</param>
    public static void Kernel(ArrayView<float> logits, ArrayView<float> probs, ArrayView<RowSamplingParams> parameters, ArrayView<int> rows, ArrayView<SampledToken> tokens, int vocab)
    {
        var row = rows[Grid.IdxX];
        var start = row * vocab;
        var p = parameters[row];
        if (!RowMath.Softmax(logits, probs, start, vocab))
        {
            if (Group.IdxX == 0)
            {
                tokens[row] = new SampledToken(SequenceSampler.NoToken, TokenLogprobs.Removed, p.MirostatMu);
            }
            return;
        }
        var token = -1;
        if ((p.Flags & RowSamplingParams.GreedyFlag) == 0)
        {
            var mass = 0UL;
            for (var i = Group.IdxX; i < vocab; i += Group.DimX)
            {
                if (logits[start + i] > float.NegativeInfinity)
                {
                    mass += OrderKey.Mass(probs[start + i]);
                }
            }
            var total = RowReductions.Sum(mass);
            var u = SamplingRandom.Uniform(p.Seed, p.Choice, p.Step, SamplingRandom.DrawPurpose);
            // cumulative > u·Σ ⇔ cumulative ≥ ⌊u·Σ⌋ + 1 for integer cumulatives.
            var target = (ulong)(u * (double)total) + 1UL;
            var picked = RowSelect.Select(probs, logits, probs, start, vocab, false, true, true, target);
            token = picked.Found ? OrderKey.IdOf(picked.Key) : -1;
        }
        if (token < 0)
        {
            token = RowMath.ArgMax(probs, start, vocab);
        }
        if (Group.IdxX == 0)
        {
            var q = probs[start + token];
            var mu = p.IsMirostat ? p.MirostatMu - (p.MirostatEta * (-XMath.Log2(q) - p.MirostatTau)) : p.MirostatMu;
            tokens[row] = new SampledToken(token, q > 0f ? XMath.Log(q) : TokenLogprobs.Removed, mu);
        }
    }
}
