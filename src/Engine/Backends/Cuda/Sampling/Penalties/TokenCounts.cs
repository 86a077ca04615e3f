using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// The per-slot token statistics the penalties read, kept on the device and updated incrementally: the prompt's
/// presence bits are filled once when a request enters its slot (one thread per prompt token), and each step one
/// thread per row appends the sampled token to the slot's history and bumps its output count. Nothing re-scans a
/// history per step.
/// </summary>
public static class TokenCounts
{
    public static readonly Action<PenaltyTables, int, int> CountPromptEntry = CountPrompt;

    public static readonly Action<PenaltyTables, PenaltyStep, ArrayView<int>> AppendEntry = Append;

    /// <summary>Sets PromptBits[slot, t] for every prompt token t = History[slot, i], i &lt; promptLength, t in [0, V).</summary>
    public static void CountPrompt(PenaltyTables tables, int slot, int promptLength)
    {
        var i = Grid.GlobalIndex.X;
        if (i >= promptLength)
        {
            return;
        }
        var t = tables.History[(slot * tables.HistoryCapacity) + i];
        if ((uint)t < (uint)tables.Vocab)
        {
            Atomic.Or(ref tables.PromptBits[(slot * tables.Words) + (t >> 5)], 1u << (t & 31));
        }
    }

    /// <param name="sampled">(rows) the token each row sampled this step; negative = none (the row finished empty).</param>
    public static void Append(PenaltyTables tables, PenaltyStep step, ArrayView<int> sampled)
    {
        var row = Grid.GlobalIndex.X;
        if (row >= step.Rows)
        {
            return;
        }
        var t = sampled[row];
        var slot = step.SlotOfRow[row];
        if (t < 0 || (uint)slot >= (uint)tables.Slots.IntLength)
        {
            return;
        }
        // h[|prompt| + |output|] = t; a history at capacity keeps its first H tokens (the host sizes H to the context).
        var position = tables.Lengths[(slot * 2)] + tables.Lengths[(slot * 2) + 1];
        if (position < tables.HistoryCapacity)
        {
            tables.History[(slot * tables.HistoryCapacity) + position] = t;
        }
        tables.Lengths[(slot * 2) + 1] = tables.Lengths[(slot * 2) + 1] + 1;
        if ((uint)t < (uint)tables.Vocab)
        {
            var c = (slot * tables.Vocab) + t;
            var count = tables.OutputCounts[c];
            if (count < ushort.MaxValue)
            {
                tables.OutputCounts[c] = (ushort)(count + 1);
            }
        }
    }
}
