using Engine.Backends.Cuda.Sampling.Penalties;
using Engine.Backends.Cuda.Sampling.Selection;
using Engine.Sampling;
using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda.Sampling;

/// <summary>
/// Joins the two halves of the device chain: <see cref="DeviceSamplerChain"/> asks for S0–S3 and for DRY, PENALTIES
/// and NO_REPEAT_NGRAM by order group (a list of rows), <see cref="DevicePenalties"/> runs them under a per-row
/// enabled mask. Each group gets its own mask row on the device, so a mask uploaded for one group is never
/// overwritten while an earlier launch of the step may still read it. The caller has called
/// <see cref="DevicePenalties.BeginStep"/> (and filled the guided masks) for the step's rows.
/// </summary>
public sealed class PenaltyStages : IDeviceLogitStages, IDisposable
{
    private readonly DevicePenalties _penalties;
    private readonly int _maxRows;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _masks;
    private readonly int[] _mask;

    public PenaltyStages(KernelContext context, DevicePenalties penalties)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(penalties);
        _penalties = penalties;
        _maxRows = penalties.SlotCount;
        _masks = context.Accelerator.Allocate1D<int>((long)_maxRows * _maxRows);
        _mask = new int[_maxRows];
    }

    public void RunPreStages(AcceleratorStream stream, DeviceSamplingStep step) => _penalties.ApplyPreStages(stream, step.Logits);

    public void RunStage(AcceleratorStream stream, SamplerId stage, DeviceSamplingStep step, ArrayView<int> rows, ReadOnlySpan<int> hostRows)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var count = step.Rows.IntLength;
        if (hostRows.IsEmpty)
        {
            return;
        }
        // The group's smallest row names its mask row: groups of a step are disjoint, so no two share one.
        var key = int.MaxValue;
        Array.Clear(_mask, 0, count);
        foreach (var row in hostRows)
        {
            if ((uint)row >= (uint)count)
            {
                throw new ArgumentOutOfRangeException(nameof(hostRows), row, $"The step has {count} rows.");
            }
            _mask[row] = 1;
            key = Math.Min(key, row);
        }
        var mask = _masks.View.SubView((long)key * _maxRows, count);
        mask.CopyFromCPU(stream, _mask.AsSpan(0, count));
        switch (stage)
        {
            case SamplerId.Penalties:
                _penalties.ApplyPenalties(stream, step.Logits, mask);
                break;
            case SamplerId.Dry:
                _penalties.ApplyDry(stream, step.Logits, mask);
                break;
            case SamplerId.NoRepeatNgram:
                _penalties.ApplyNoRepeatNgram(stream, step.Logits, mask);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(stage), stage, "Only DRY, PENALTIES and NO_REPEAT_NGRAM are penalty stages.");
        }
    }

    public void Dispose() => _masks.Dispose();
}
