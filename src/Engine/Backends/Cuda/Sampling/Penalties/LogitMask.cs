using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// The elementwise part of stages S0–S3 (samplers.md §3.1, §4) over (rows × V), one thread per logit: sanitise
/// (NaN → −∞, +∞ → float.MaxValue, ids ≥ the tokenizer's vocabulary removed), then remove what the guided mask,
/// <c>allowed_token_ids</c>, one-token bad words, <c>custom_token_bans</c> and (while output &lt; min_tokens) the stop
/// set remove. The CPU chain runs these one after another with <c>logit_bias</c> between them; removal is −∞ and
/// −∞ + b = −∞, so every order gives the same bits and the bias can follow in <see cref="SparseConstraints"/>.
/// </summary>
public static class LogitMask
{
    public static readonly Action<PenaltyTables, PenaltyStep, ArrayView<float>> Entry = Kernel;

    /// <param name="logits">(rows, V) row-major, rewritten in place.</param>
    public static void Kernel(PenaltyTables tables, PenaltyStep step, ArrayView<float> logits)
    {
        var v = tables.Vocab;
        var index = Grid.GlobalIndex.X;
        var row = index / v;
        if (row >= step.Rows)
        {
            return;
        }
        var i = index - (row * v);
        var slot = step.SlotOfRow[row];
        var s = tables.Slots[slot];
        var words = slot * tables.Words;
        var removed = i >= s.TokenizerVocabSize
            || (step.GuidedRows[row] != 0 && !PenaltyTables.Bit(step.GuidedBits, row * tables.Words, i))
            || (s.HasAllowed != 0 && !PenaltyTables.Bit(tables.AllowBits, words, i))
            || PenaltyTables.Bit(tables.BanBits, words, i)
            || (tables.Lengths[(slot * 2) + 1] < s.MinTokens && PenaltyTables.Bit(tables.StopBits, words, i));
        var index64 = (row * v) + i;
        logits[index64] = removed ? float.NegativeInfinity : PenaltyTables.Saturate(logits[index64]);
    }
}
