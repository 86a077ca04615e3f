using System.Text;
using System.Text.Json;
using Server.Errors;
using Server.Generation;

namespace Server.Requests;

/// <summary>
/// Validates <c>messages</c> (api.md §7.2): a non-empty list of objects with a string role and string,
/// null or text-part content. <c>developer</c> becomes <c>system</c>; text parts are joined with "\n".
/// </summary>
public static class ChatMessages
{
    public static IReadOnlyList<ChatMessage> Parse(JsonElement body)
    {
        if (!JsonFields.TryGet(body, "messages", out var list))
            throw new RequestValidationException("messages", "messages is required.");
        if (list.ValueKind != JsonValueKind.Array) throw JsonFields.TypeError("messages", "a list of messages", list);
        if (list.GetArrayLength() == 0) throw new RequestValidationException("messages", "messages must not be empty.");

        var messages = new List<ChatMessage>(list.GetArrayLength());
        foreach (var item in list.EnumerateArray())
        {
            var path = $"messages[{messages.Count}]";
            if (item.ValueKind != JsonValueKind.Object) throw JsonFields.TypeError(path, "an object", item);
            var role = JsonFields.String(item, "role") ?? throw new RequestValidationException(path + ".role", $"{path}.role is required.");
            if (role == "developer") role = "system";
            messages.Add(new ChatMessage(role, Content(item, path + ".content"), item.Clone()));
        }
        return messages;
    }

    private static string? Content(JsonElement message, string path)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null) return null;
        if (content.ValueKind == JsonValueKind.String) return content.GetString();
        if (content.ValueKind != JsonValueKind.Array) throw JsonFields.TypeError(path, "a string, null or a list of content parts", content);
        var text = new StringBuilder();
        var i = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}[{i}]";
            if (part.ValueKind != JsonValueKind.Object) throw JsonFields.TypeError(partPath, "a content part object", part);
            var type = JsonFields.String(part, "type") ?? "text";
            if (type != "text")
                throw new RequestValidationException(partPath + ".type", $"Content part type \"{type}\" is not supported by text-only models.");
            if (i++ > 0) text.Append('\n');
            text.Append(JsonFields.String(part, "text") ?? throw new RequestValidationException(partPath + ".text", $"{partPath}.text is required."));
        }
        return text.ToString();
    }
}
