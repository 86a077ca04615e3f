using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// NO_REPEAT_NGRAM (sampler id 8, §5.4), one group per row over the slot's history h = prompt + output: with the
/// key s = the last N − 1 tokens, every position j whose (N − 1)-gram equals s and whose follower h[j + N − 1]
/// exists removes that follower (N = 1: every token of h). Threads take positions j in stride; several may write
/// −∞ to one token, which is the same value. A hard constraint: no saturation follows (as on the CPU).
/// </summary>
public static class NoRepeatNgramKernel
{
    public static readonly Action<PenaltyTables, PenaltyStep, ArrayView<float>> Entry = Kernel;

    public static void Kernel(PenaltyTables tables, PenaltyStep step, ArrayView<float> logits)
    {
        var row = Grid.IdxX;
        if (step.RowEnabled[row] == 0)
        {
            return;
        }
        var slot = step.SlotOfRow[row];
        var n = tables.Slots[slot].NoRepeatNgramSize;
        var length = Min(tables.Lengths[slot * 2] + tables.Lengths[(slot * 2) + 1], tables.HistoryCapacity);
        if (n <= 0 || length < n)
        {
            return;
        }
        var h = slot * tables.HistoryCapacity;
        var keyStart = length - n + 1;
        var rowStart = row * tables.Vocab;
        for (var j = Group.IdxX; j + n - 1 < length; j += Group.DimX)
        {
            var match = true;
            for (var u = 0; u < n - 1 && match; u++)
            {
                match = tables.History[h + j + u] == tables.History[h + keyStart + u];
            }
            var t = tables.History[h + j + n - 1];
            if (match && (uint)t < (uint)tables.Vocab)
            {
                logits[rowStart + t] = float.NegativeInfinity;
            }
        }
    }

    private static int Min(int a, int b) => a < b ? a : b;
}
