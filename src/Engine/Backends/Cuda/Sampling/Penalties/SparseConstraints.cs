using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// The sparse part of S1, one group per row after <see cref="LogitMask"/>: <c>logit_bias</c> (ℓ_i ← sat(ℓ_i + b_i),
/// the CPU's AddBias then Saturate; ids are distinct so no two threads touch one logit), then the multi-token bad
/// words (§4.4: w_k removed when the generated output ends with w_1 … w_(k−1); the prompt is not consulted). The
/// barrier between them keeps a bias write from landing after a bad-word −∞ on the same token.
/// </summary>
public static class SparseConstraints
{
    public static readonly Action<PenaltyTables, PenaltyStep, ArrayView<float>> Entry = Kernel;

    public static void Kernel(PenaltyTables tables, PenaltyStep step, ArrayView<float> logits)
    {
        var row = Grid.IdxX;
        var slot = step.SlotOfRow[row];
        var s = tables.Slots[slot];
        var rowStart = row * tables.Vocab;
        var lists = slot * tables.BiasCapacity;
        for (var k = Group.IdxX; k < s.BiasCount; k += Group.DimX)
        {
            var at = rowStart + tables.BiasIds[lists + k];
            logits[at] = PenaltyTables.Saturate(logits[at] + tables.BiasValues[lists + k]);
        }
        Group.Barrier();

        var words = slot * tables.BadWordCapacity;
        var promptLength = tables.Lengths[slot * 2];
        var outputLength = tables.Lengths[(slot * 2) + 1];
        var history = slot * tables.HistoryCapacity;
        for (var w = Group.IdxX; w < s.BadWordCount; w += Group.DimX)
        {
            var start = tables.BadWords[words + w];
            var last = tables.BadWords[words + w + 1] - 1;
            var prefix = last - start;
            var end = promptLength + outputLength;
            if (prefix > outputLength || end > tables.HistoryCapacity)
            {
                continue;
            }
            var match = true;
            for (var u = 0; u < prefix && match; u++)
            {
                match = tables.BadWords[words + start + u] == tables.History[history + end - prefix + u];
            }
            if (match)
            {
                logits[rowStart + tables.BadWords[words + last]] = float.NegativeInfinity;
            }
        }
    }
}
