using System.Text.Json;
using System.Text.RegularExpressions;

namespace Engine.Tests.Guided;

/// <summary>
/// An independent validator for the JSON Schema subset the tests use (written from the JSON Schema spec, not from
/// the compiler): type, properties, required, additionalProperties, items, prefixItems, min/maxItems, enum,
/// const, anyOf, oneOf, allOf, $ref, min/maxLength, pattern, format date/uuid. Returns the first violation or null.
/// </summary>
internal static class SchemaChecker
{
    public static string? Check(JsonElement schema, JsonElement value, JsonElement root, string path = "$")
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return null;
        }
        if (schema.TryGetProperty("$ref", out var r))
        {
            var parts = r.GetString()!.Split('/');
            var target = parts.Length == 1 ? root : root.GetProperty(parts[1]).GetProperty(parts[2]);
            return Check(target, value, root, path);
        }
        if (schema.TryGetProperty("const", out var c) && !JsonElement.DeepEquals(c, value))
        {
            return $"{path}: not the const";
        }
        if (schema.TryGetProperty("enum", out var e) && !e.EnumerateArray().Any(x => JsonElement.DeepEquals(x, value)))
        {
            return $"{path}: not in enum";
        }
        if (schema.TryGetProperty("anyOf", out var any) && any.EnumerateArray().All(s => Check(s, value, root, path) is not null))
        {
            return $"{path}: matches no anyOf branch";
        }
        if (schema.TryGetProperty("oneOf", out var one) && one.EnumerateArray().Count(s => Check(s, value, root, path) is null) != 1)
        {
            return $"{path}: does not match exactly one oneOf branch";
        }
        if (schema.TryGetProperty("allOf", out var all))
        {
            foreach (var s in all.EnumerateArray())
            {
                if (Check(s, value, root, path) is { } why)
                {
                    return why;
                }
            }
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
            if (!types.Any(t => HasType(value, t)))
            {
                return $"{path}: {value.ValueKind} is not {string.Join("/", types)}";
            }
        }
        return value.ValueKind switch
        {
            JsonValueKind.Object => CheckObject(schema, value, root, path),
            JsonValueKind.Array => CheckArray(schema, value, root, path),
            JsonValueKind.String => CheckString(schema, value.GetString()!, path),
            _ => null,
        };
    }

    private static bool HasType(JsonElement v, string t) => t switch
    {
        "object" => v.ValueKind == JsonValueKind.Object,
        "array" => v.ValueKind == JsonValueKind.Array,
        "string" => v.ValueKind == JsonValueKind.String,
        "number" => v.ValueKind == JsonValueKind.Number,
        "integer" => v.ValueKind == JsonValueKind.Number && v.GetRawText().All(ch => ch == '-' || char.IsAsciiDigit(ch)),
        "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => v.ValueKind == JsonValueKind.Null,
        _ => false,
    };

    private static string? CheckObject(JsonElement schema, JsonElement value, JsonElement root, string path)
    {
        var props = schema.TryGetProperty("properties", out var p) ? p : default;
        if (schema.TryGetProperty("required", out var req))
        {
            foreach (var name in req.EnumerateArray().Select(x => x.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    return $"{path}: missing required '{name}'";
                }
            }
        }
        foreach (var member in value.EnumerateObject())
        {
            if (props.ValueKind == JsonValueKind.Object && props.TryGetProperty(member.Name, out var sub))
            {
                if (Check(sub, member.Value, root, $"{path}.{member.Name}") is { } why)
                {
                    return why;
                }
            }
            else if (schema.TryGetProperty("additionalProperties", out var add))
            {
                if (add.ValueKind == JsonValueKind.False)
                {
                    return $"{path}: extra property '{member.Name}'";
                }
                if (add.ValueKind == JsonValueKind.Object && Check(add, member.Value, root, $"{path}.{member.Name}") is { } why)
                {
                    return why;
                }
            }
        }
        return null;
    }

    private static string? CheckArray(JsonElement schema, JsonElement value, JsonElement root, string path)
    {
        var items = value.EnumerateArray().ToList();
        if (schema.TryGetProperty("minItems", out var min) && items.Count < min.GetInt32())
        {
            return $"{path}: fewer than minItems";
        }
        if (schema.TryGetProperty("maxItems", out var max) && items.Count > max.GetInt32())
        {
            return $"{path}: more than maxItems";
        }
        var prefix = schema.TryGetProperty("prefixItems", out var pi) ? pi.EnumerateArray().ToList() : [];
        for (var i = 0; i < items.Count; i++)
        {
            JsonElement sub;
            if (i < prefix.Count)
            {
                sub = prefix[i];
            }
            else if (!schema.TryGetProperty("items", out sub))
            {
                continue;
            }
            if (Check(sub, items[i], root, $"{path}[{i}]") is { } why)
            {
                return why;
            }
        }
        return null;
    }

    private static string? CheckString(JsonElement schema, string s, string path)
    {
        var length = s.EnumerateRunes().Count();
        if (schema.TryGetProperty("minLength", out var min) && length < min.GetInt32())
        {
            return $"{path}: shorter than minLength";
        }
        if (schema.TryGetProperty("maxLength", out var max) && length > max.GetInt32())
        {
            return $"{path}: longer than maxLength";
        }
        if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(s, pattern.GetString()!))
        {
            return $"{path}: '{s}' does not match the pattern";
        }
        if (schema.TryGetProperty("format", out var format))
        {
            var ok = format.GetString() switch
            {
                // RFC 3339 full-date syntax; the day-of-month limit per month is not part of the grammar
                "date" => Regex.IsMatch(s, @"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
                "uuid" => Guid.TryParseExact(s, "D", out _),
                _ => true,
            };
            if (!ok)
            {
                return $"{path}: '{s}' is not a {format.GetString()}";
            }
        }
        return null;
    }
}
