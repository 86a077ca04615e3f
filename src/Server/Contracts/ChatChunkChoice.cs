using Server.Generation;

namespace Server.Contracts;

/// <summary>One choice's delta in a chat stream event.</summary>
public sealed record ChatChunkChoice(
    int Index, ChatDelta Delta, ChatLogprobs? Logprobs, string? FinishReason, StopReason? StopReason);
