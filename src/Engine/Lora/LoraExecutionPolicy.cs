namespace Engine.Lora;

/// <summary>
/// Chooses, per step, between pre-merged weights and the unmerged shrink/expand path. Merged weights cost nothing
/// per token but hold one (adapter, multiplier) for the whole batch; unmerged serves any mix in one step at the
/// price of two thin matmuls per adapted projection and segment. So: merged exactly when every sequence of the
/// running batch uses the same adapter with the same non-zero multiplier (and merging is allowed), base when none is
/// adapted, unmerged otherwise. A multiplier of 0 counts as the base model. The scheduler calls it; the runner
/// only executes the answer.
/// </summary>
public sealed class LoraExecutionPolicy
{
    /// <param name="allowMerged">False where no merged copy of the weights can be held (memory); then adapted
    /// batches always run unmerged.</param>
    public LoraExecutionPolicy(bool allowMerged = true)
    {
        AllowMerged = allowMerged;
    }

    public bool AllowMerged { get; }

    /// <summary>
    /// The mode for sequences whose adapters are <paramref name="loraIds"/> (−1: base) with
    /// <paramref name="multipliers"/> (same length), e.g. <c>ForwardBatch.LoraIds</c> and <c>LoraMultipliers</c>.
    /// An empty batch is <see cref="LoraExecutionMode.Base"/>.
    /// </summary>
    public LoraExecution Decide(ReadOnlySpan<int> loraIds, ReadOnlySpan<float> multipliers)
    {
        if (loraIds.Length != multipliers.Length)
        {
            throw new ArgumentException($"{loraIds.Length} adapter ids but {multipliers.Length} multipliers.", nameof(multipliers));
        }
        var adapted = 0;
        int firstId = -1;
        float firstMultiplier = 0;
        var uniform = true;
        for (var i = 0; i < loraIds.Length; i++)
        {
            if (loraIds[i] < 0 || multipliers[i] == 0)
            {
                continue;
            }
            if (adapted++ == 0)
            {
                (firstId, firstMultiplier) = (loraIds[i], multipliers[i]);
            }
            else if (loraIds[i] != firstId || multipliers[i] != firstMultiplier)
            {
                uniform = false;
            }
        }
        if (adapted == 0)
        {
            return LoraExecution.Base;
        }
        // Base rows cannot run on merged weights, so one base sequence beside adapted ones forces unmerged.
        return AllowMerged && uniform && adapted == loraIds.Length
            ? new LoraExecution(LoraExecutionMode.Merged, firstId, firstMultiplier)
            : LoraExecution.Unmerged;
    }
}
