namespace Engine.Execution;

/// <summary>
/// A run of consecutive batch rows [<see cref="RowStart"/>, <see cref="RowEnd"/>) that use the same LoRA adapter
/// (punica's SGMV segment): one shrink and one expand launch per segment and adapted projection.
/// </summary>
public readonly record struct LoraSegment(int AdapterId, int RowStart, int RowEnd);
