using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// One step's row metadata for the penalty kernels: logits row r belongs to slot <c>SlotOfRow[r]</c>; a stage runs
/// on row r only where <c>RowEnabled[r]</c> ≠ 0 (all ones unless the driver interleaves per-row sampler orders).
/// </summary>
/// <param name="Rows">Logit rows of the step.</param>
/// <param name="SlotOfRow">(rows) the slot of each row; distinct.</param>
/// <param name="RowEnabled">(rows) 0 skips the row in this launch.</param>
/// <param name="GuidedRows">(rows) 1 where the row's guided bits apply.</param>
/// <param name="GuidedBits">(rows, W) the guided-decoding mask computed on the CPU this step (bit 1 = allowed).</param>
public readonly record struct PenaltyStep(
    int Rows,
    ArrayView<int> SlotOfRow,
    ArrayView<int> RowEnabled,
    ArrayView<int> GuidedRows,
    ArrayView<uint> GuidedBits);
