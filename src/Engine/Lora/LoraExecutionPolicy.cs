namespace Engine.Lora;

/// <summary>
/// Chooses, per step, between pre-merged weights and the unmerged shrink/expand path. Merged weights cost nothing
/// per token but hold one (adapter, multiplier) for the whole batch; unmerged serves any mix in one step at the
/// price of two thin matmuls per adapted projection and segment. So: merged exactly when every sequence of the
/// running batch uses the same adapter with the same non-zero multiplier (and merging is allowed), base when none is
/// adapted, unmerged otherwise. A multiplier of 0 counts as the base model. The scheduler calls it; the runner
/// only executes the answer.
/// <para>
/// Merging a new (adapter, multiplier) costs a pass over every adapted weight (seconds for a large model on the
/// CPU, see bench/results/lora.md), while leaving merged mode costs nothing (the base weights are never written) and
/// returning to the pair still held costs nothing either. So <see cref="Next"/> adds hysteresis: a pair that is not
/// the one held is merged only after it has been the whole batch for <see cref="MergeAfterSteps"/> consecutive
/// steps; until then those steps run unmerged. Requests that alternate between adapters therefore never thrash
/// merges, and one long-running adapter still ends up on merged weights.
/// </para>
/// <para>
/// A merged answer asks for the pair; it does not wait for it. The runner's <see cref="LoraMergeCache.TryGet"/>
/// builds a pair it does not hold on one background thread and runs those steps unmerged (the same outputs within
/// the merged-versus-unmerged rounding) until the first step after the merge finished, so no step pauses for a
/// merge; a merged answer for another pair cancels a merge in flight. The policy therefore only decides which pair
/// is worth merging, never when its copy is ready.
/// </para>
/// </summary>
public sealed class LoraExecutionPolicy
{
    private LoraExecution _held = LoraExecution.Base;
    private LoraExecution _candidate = LoraExecution.Base;
    private int _streak;

    /// <param name="allowMerged">False where no merged copy of the weights can be held (memory); then adapted
    /// batches always run unmerged.</param>
    /// <param name="mergeAfterSteps">Consecutive uniform steps before <see cref="Next"/> merges a pair that is not
    /// held; 1 merges on the first such step.</param>
    public LoraExecutionPolicy(bool allowMerged = true, int mergeAfterSteps = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mergeAfterSteps, 1);
        AllowMerged = allowMerged;
        MergeAfterSteps = mergeAfterSteps;
    }

    public bool AllowMerged { get; }

    public int MergeAfterSteps { get; }

    /// <summary>
    /// The mode of the next step, with the merge hysteresis above: <see cref="Decide"/>'s answer, except that a
    /// merged answer for a pair other than the last one merged stays <see cref="LoraExecutionMode.Unmerged"/> until
    /// the same answer has come <see cref="MergeAfterSteps"/> times in a row. Stateful: one policy per scheduler,
    /// called once per step, because the runner keeps exactly the last pair it was told to merge (held, or being
    /// merged in the background: then the runner runs the step unmerged until the copy is ready).
    /// </summary>
    public LoraExecution Next(ReadOnlySpan<int> loraIds, ReadOnlySpan<float> multipliers)
    {
        var decision = Decide(loraIds, multipliers);
        if (decision.Mode != LoraExecutionMode.Merged)
        {
            _streak = 0;
            return decision;
        }
        if (decision == _held)
        {
            return decision;
        }
        _streak = decision == _candidate ? _streak + 1 : 1;
        _candidate = decision;
        if (_streak < MergeAfterSteps)
        {
            return LoraExecution.Unmerged;
        }
        _held = decision;
        _streak = 0;
        return decision;
    }

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
