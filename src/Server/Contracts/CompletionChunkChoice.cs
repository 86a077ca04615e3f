using System.Text.Json.Serialization;
using Server.Generation;

namespace Server.Contracts;

/// <summary>One choice's delta; <see cref="Token"/> (Friendli) is set when the delta is exactly one token.</summary>
public sealed record CompletionChunkChoice(
    int Index, string Text, CompletionLogprobs? Logprobs, string? FinishReason, StopReason? StopReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Token);
