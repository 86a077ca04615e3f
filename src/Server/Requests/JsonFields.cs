using System.Globalization;
using System.Text.Json;
using Server.Errors;

namespace Server.Requests;

/// <summary>
/// Typed reads of request fields that name the field in every error. Absent and <c>null</c> both mean
/// "default" (api.md §1); integers accept <c>1.0</c> but not <c>1.5</c>.
/// </summary>
public static class JsonFields
{
    /// <summary>True when <paramref name="name"/> is present and not null.</summary>
    public static bool TryGet(JsonElement body, string name, out JsonElement value) =>
        body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static bool Has(JsonElement body, string name) => TryGet(body, name, out _);

    public static string? String(JsonElement body, string name)
    {
        if (!TryGet(body, name, out var v)) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw TypeError(name, "a string", v);
    }

    public static bool? Bool(JsonElement body, string name)
    {
        if (!TryGet(body, name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw TypeError(name, "a boolean", v),
        };
    }

    public static double? Number(JsonElement body, string name)
    {
        if (!TryGet(body, name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !double.IsFinite(d))
            throw TypeError(name, "a number", v);
        return d;
    }

    public static long? Long(JsonElement body, string name) =>
        TryGet(body, name, out var v) ? AsLong(v, name) : null;

    public static int? Int(JsonElement body, string name) =>
        TryGet(body, name, out var v) ? AsInt(v, name) : null;

    /// <summary>An integer value; <paramref name="name"/> is the field path used in errors.</summary>
    public static long AsLong(JsonElement v, string name)
    {
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt64(out var l)) return l;
            // 1.0 is accepted as 1 (api.md §1); 1.5 and out-of-range values are not.
            if (v.TryGetDouble(out var d) && Math.Floor(d) == d && d >= long.MinValue && d < long.MaxValue)
                return (long)d;
        }
        throw TypeError(name, "an integer", v);
    }

    public static int AsInt(JsonElement v, string name)
    {
        var l = AsLong(v, name);
        return l is >= int.MinValue and <= int.MaxValue
            ? (int)l
            : throw new RequestValidationException(name, $"{name} is out of range, got {l}.");
    }

    /// <summary>A list of integers (each named <c>name[i]</c> in errors).</summary>
    public static IReadOnlyList<int>? IntList(JsonElement body, string name)
    {
        if (!TryGet(body, name, out var v)) return null;
        return AsIntList(v, name);
    }

    public static int[] AsIntList(JsonElement v, string name)
    {
        if (v.ValueKind != JsonValueKind.Array) throw TypeError(name, "a list of integers", v);
        var result = new int[v.GetArrayLength()];
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            result[i] = AsInt(item, $"{name}[{i}]");
            i++;
        }
        return result;
    }

    /// <summary>A string or a list of strings (as <c>stop</c> accepts).</summary>
    public static IReadOnlyList<string>? StringOrList(JsonElement body, string name)
    {
        if (!TryGet(body, name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.String) return [v.GetString()!];
        if (v.ValueKind != JsonValueKind.Array) throw TypeError(name, "a string or a list of strings", v);
        var result = new List<string>(v.GetArrayLength());
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw TypeError($"{name}[{result.Count}]", "a string", item);
            result.Add(item.GetString()!);
        }
        return result;
    }

    public static JsonElement? Object(JsonElement body, string name)
    {
        if (!TryGet(body, name, out var v)) return null;
        return v.ValueKind == JsonValueKind.Object ? v : throw TypeError(name, "an object", v);
    }

    public static JsonElement? Array(JsonElement body, string name)
    {
        if (!TryGet(body, name, out var v)) return null;
        return v.ValueKind == JsonValueKind.Array ? v : throw TypeError(name, "a list", v);
    }

    public static RequestValidationException TypeError(string name, string expected, JsonElement got) =>
        new(name, $"{name} must be {expected}, got {Describe(got)}.");

    public static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.String => string.Create(CultureInfo.InvariantCulture, $"the string \"{Truncate(v.GetString()!)}\""),
        _ => KindName(v.ValueKind),
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");
}
