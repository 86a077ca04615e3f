using System.Text.Json.Serialization;
using Server.Generation;

namespace Server.Contracts;

/// <summary>One chat choice; <see cref="Seed"/> and <see cref="Tokens"/> are Friendli extras.</summary>
public sealed record ChatChoice(
    int Index, ChatResponseMessage Message, ChatLogprobs? Logprobs, string? FinishReason, StopReason? StopReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Seed,
    IReadOnlyList<int> Tokens);
