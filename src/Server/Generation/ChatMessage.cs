using System.Text.Json;

namespace Server.Generation;

/// <summary>
/// One chat message after validation: <c>developer</c> already mapped to <c>system</c>, text parts joined
/// with "\n". <paramref name="Extra"/> is the original message object (name, tool_calls, tool_call_id, …)
/// for templates that read more than role and content.
/// </summary>
public sealed record ChatMessage(string Role, string? Content, JsonElement Extra);
