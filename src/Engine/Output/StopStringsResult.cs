namespace Engine.Output;

/// <summary>
/// What one appended chunk of detokenised text produced: the text that may be streamed now, whether a
/// stop string matched, and which one (<c>stop_reason</c>).
/// </summary>
public readonly record struct StopStringsResult(string Emit, bool Stopped, string? StopReason);
