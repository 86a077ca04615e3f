using ILGPU;
using Kernels.Language;

namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// PENALTIES (sampler id 6, samplers.md §5.1–5.3) over (rows × V), one thread per logit, from the slot's counts:
/// repetition on prompt ∪ output (ℓ/r for ℓ &gt; 0, ℓ·r otherwise, once however often the token occurs), then
/// ℓ −= α_f · count_out, then ℓ −= α_p for count_out &gt; 0, then saturation; the CPU's RepetitionPenalties.Apply
/// followed by LogitConstraints.Saturate, operation for operation (the products through
/// <see cref="Rounded.Multiply"/>, so ptxas cannot fuse them into an fma the CPU does not do). A row whose slot has the stage off is untouched.
/// </summary>
public static class RepetitionPenaltyKernel
{
    public static readonly Action<PenaltyTables, PenaltyStep, ArrayView<float>> Entry = Kernel;

    public static void Kernel(PenaltyTables tables, PenaltyStep step, ArrayView<float> logits)
    {
        var v = tables.Vocab;
        var index = Grid.GlobalIndex.X;
        var row = index / v;
        if (row >= step.Rows || step.RowEnabled[row] == 0)
        {
            return;
        }
        var slot = step.SlotOfRow[row];
        var s = tables.Slots[slot];
        if (s.PenaltiesActive == 0)
        {
            return;
        }
        var i = index - (row * v);
        var count = (int)tables.OutputCounts[(slot * v) + i];
        var l = logits[index];
        if (s.RepetitionActive != 0 && (count > 0 || PenaltyTables.Bit(tables.PromptBits, slot * tables.Words, i)))
        {
            l = l > 0f ? l / s.RepetitionPenalty : Rounded.Multiply(l, s.RepetitionPenalty);
        }
        if (count > 0)
        {
            if (s.FrequencyPenalty != 0f)
            {
                l -= Rounded.Multiply(s.FrequencyPenalty, count);
            }
            if (s.PresencePenalty != 0f)
            {
                l -= s.PresencePenalty;
            }
        }
        logits[index] = PenaltyTables.Saturate(l);
    }
}
