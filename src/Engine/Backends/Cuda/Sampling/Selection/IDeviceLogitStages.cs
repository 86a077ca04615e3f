using Engine.Sampling;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// HOOK for the penalty half of the device chain (Backends/Cuda/Sampling/Penalties, written apart): the stages
/// <see cref="DeviceSamplerChain"/> does not own. It calls <see cref="RunPreStages"/> once per step before S4, and
/// <see cref="RunStage"/> where DRY, PENALTIES or NO_REPEAT_NGRAM stand in a row group's <c>sampler_priority</c>.
/// Without an implementation, a row that needs one of them is refused with <see cref="NotSupportedException"/>.
/// </summary>
public interface IDeviceLogitStages
{
    /// <summary>S0–S3 (§3.1: sanitise, guided mask, allowed ids, logit_bias, bad words, min_tokens, bans) on every row of the step.</summary>
    void RunPreStages(AcceleratorStream stream, DeviceSamplingStep step);

    /// <summary>
    /// One of DRY, PENALTIES, NO_REPEAT_NGRAM on the <paramref name="rows"/> of one order group (ascending, the same
    /// indices as <paramref name="hostRows"/> holds on the host; groups of one step are disjoint).
    /// </summary>
    void RunStage(AcceleratorStream stream, SamplerId stage, DeviceSamplingStep step, ArrayView<int> rows, ReadOnlySpan<int> hostRows);
}

/// <summary>
/// The views a step's stages share: <paramref name="Logits"/> (rows, vocab) rewritten in place, the packed per-row
/// parameters, the step's rows (all of them, grouped by order), and the vocabulary width.
/// </summary>
public readonly record struct DeviceSamplingStep(ArrayView<float> Logits, ArrayView<RowSamplingParams> Parameters, ArrayView<int> Rows, int Vocab);
