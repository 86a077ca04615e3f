namespace Engine.Sampling;

/// <summary>
/// The token-level finish checks of §9 (steps 1–3, 5, 6; stop strings are <see cref="Output.StopStrings"/>'s).
/// <see cref="KeepTokenText"/> is false for an EOS or stop token whose text must be left out of the output
/// (kept only with <c>include_stop_str_in_output</c>).
/// </summary>
public readonly record struct StopDecision(StopKind Kind, int? StopTokenId, bool KeepTokenText)
{
    public static StopDecision Continue { get; } = new(StopKind.None, null, true);

    /// <summary>finish_reason "stop" (EOS or stop token) or "length"; null while running.</summary>
    public string? FinishReason => Kind switch
    {
        StopKind.Eos or StopKind.StopToken or StopKind.StopString => "stop",
        StopKind.Length => "length",
        _ => null,
    };
}
