namespace Engine.Lora;

/// <summary>
/// The decision of <see cref="LoraExecutionPolicy"/> for one step: the mode and, for
/// <see cref="LoraExecutionMode.Merged"/>, the adapter and multiplier whose merged weights to run (−1 and 0 otherwise).
/// </summary>
public readonly record struct LoraExecution(LoraExecutionMode Mode, int AdapterId, float Multiplier)
{
    public static LoraExecution Base => new(LoraExecutionMode.Base, -1, 0);

    public static LoraExecution Unmerged => new(LoraExecutionMode.Unmerged, -1, 0);
}
