using System.Text.Json;
using Server.Contracts;

namespace Server.Tools;

/// <summary>Reading one <c>{"name": ..., "arguments" | "parameters": ...}</c> object, the body every parser shares.</summary>
public static class ToolCallJson
{
    /// <summary>
    /// The call <paramref name="value"/> describes, or null when it is not an object with a string <c>name</c>.
    /// <c>arguments</c> (else <c>parameters</c>, Llama's key) becomes compact JSON text; a string is taken as the
    /// arguments text itself; absent or null means <c>{}</c>.
    /// </summary>
    public static ChatToolCall? TryCall(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            return null;
        if (!value.TryGetProperty("arguments", out var args)) value.TryGetProperty("parameters", out args);
        var arguments = args.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => "{}",
            JsonValueKind.String => args.GetString()!,
            _ => CompactJson.Of(args),
        };
        return new ChatToolCall(ToolCallIds.New(), "function", new ChatToolFunction(name.GetString()!, arguments));
    }

    /// <summary><see cref="TryCall(JsonElement)"/> of a JSON text; null when the text is not one JSON value.</summary>
    public static ChatToolCall? TryCall(ReadOnlySpan<char> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.Trim().ToString());
            return TryCall(doc.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
