using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Converts System.Text.Json values into template values the way Python's <c>json.loads</c> would: objects become
/// insertion-ordered dicts, numbers without fraction or exponent become ints, others floats (so <c>1.0</c> stays
/// a float and prints as <c>1.0</c>).
/// </summary>
internal static class JsonValues
{
    public static object? FromNode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var dict = new PyDict(obj.Count);
                foreach (var (key, value) in obj)
                {
                    dict[key] = FromNode(value);
                }
                return dict;
            case JsonArray array:
                var list = new List<object?>(array.Count);
                foreach (var item in array)
                {
                    list.Add(FromNode(item));
                }
                return list;
            default:
                var v = node.AsValue();
                return v.GetValueKind() switch
                {
                    JsonValueKind.String => v.GetValue<string>(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Null => null,
                    JsonValueKind.Number => Number(v.ToJsonString()),
                    _ => throw new ChatTemplateException($"Unsupported JSON value kind {v.GetValueKind()}"),
                };
        }
    }

    public static object? FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => FromObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(FromElement).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => Number(element.GetRawText()),
        _ => null,
    };

    private static PyDict FromObject(JsonElement element)
    {
        var dict = new PyDict();
        foreach (var property in element.EnumerateObject())
        {
            dict[property.Name] = FromElement(property.Value);
        }
        return dict;
    }

    // Python's json: an integer literal is an int (arbitrary size; we keep long and fall back to float beyond it).
    private static object Number(string raw)
    {
        if (raw.AsSpan().IndexOfAny(".eE") < 0 && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }
        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
