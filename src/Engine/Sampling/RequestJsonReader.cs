using System.Globalization;
using System.Text.Json;

namespace Engine.Sampling;

/// <summary>
/// Typed access to a request body's fields for <see cref="SamplingParams.FromJson"/>: a missing field or
/// JSON <c>null</c> means "absent"; a value of the wrong JSON type throws a
/// <see cref="SamplingParamsException"/> naming the field (api.md §1: <c>1.0</c> is an integer, <c>1.5</c> is not).
/// </summary>
internal readonly struct RequestJsonReader(JsonElement body)
{
    public bool Has(string name) => TryGet(name, out _);

    public bool TryGet(string name, out JsonElement value)
    {
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        value = default;
        return false;
    }

    public float? Float(string name) => TryGet(name, out var v) ? AsFloat(name, v) : null;

    public int? Int(string name) => TryGet(name, out var v) ? AsInt(name, v) : null;

    public long? Long(string name) => TryGet(name, out var v) ? AsLong(name, v) : null;

    public bool? Bool(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(name, "a boolean", v),
        };
    }

    public string? String(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw WrongType(name, "a string", v);
    }

    public IReadOnlyList<int>? IntList(string name) => TryGet(name, out var v) ? AsIntList(name, v) : null;

    public IReadOnlyList<string>? StringList(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(name, "a list of strings", v);
        }
        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw WrongType(name, "a list of strings", item));
        }
        return list;
    }

    /// <summary><c>stop</c>-style field: a string or a list of strings.</summary>
    public IReadOnlyList<string>? StringOrList(string name)
    {
        if (TryGet(name, out var v) && v.ValueKind == JsonValueKind.String)
        {
            return [v.GetString()!];
        }
        return StringList(name);
    }

    /// <summary>A list of <c>{"tokens": [ids]}</c> objects (Friendli <c>bad_word_tokens</c>, <c>stop_tokens</c>).</summary>
    public IReadOnlyList<IReadOnlyList<int>>? TokenObjects(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(name, "a list of {\"tokens\": [int]} objects", v);
        }
        var list = new List<IReadOnlyList<int>>();
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("tokens", out var tokens))
            {
                throw WrongType(name, "a list of {\"tokens\": [int]} objects", item);
            }
            list.Add(AsIntList(name, tokens));
        }
        return list;
    }

    /// <summary>
    /// A number that is finite as float32, the width the samplers compute in: <c>1e400</c> (beyond double) and
    /// <c>1e39</c> (beyond float) would otherwise become +∞ and slip past every "at least" range check.
    /// </summary>
    public static float AsFloat(string name, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number)
        {
            throw WrongType(name, "a number", v);
        }
        if (!v.TryGetDouble(out var d) || !float.IsFinite((float)d))
        {
            throw new SamplingParamsException(name,
                string.Create(CultureInfo.InvariantCulture, $"{name} must be a finite number within ±{float.MaxValue}, got {v.GetRawText()}."));
        }
        return (float)d;
    }

    public static long AsLong(string name, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number)
        {
            throw WrongType(name, "an integer", v);
        }
        if (v.TryGetInt64(out var l))
        {
            return l;
        }
        // 1.0 is accepted as 1 (api.md §1); 1.5 or a value beyond int64 is not.
        if (v.TryGetDouble(out var d) && d == Math.Floor(d) && d >= long.MinValue && d < 9.2233720368547758E18)
        {
            return (long)d;
        }
        throw new SamplingParamsException(name, $"{name} must be an integer in the signed 64-bit range, got {v.GetRawText()}.");
    }

    public static int AsInt(string name, JsonElement v)
    {
        var l = AsLong(name, v);
        return l is >= int.MinValue and <= int.MaxValue
            ? (int)l
            : throw new SamplingParamsException(name, $"{name} must be a 32-bit integer, got {l}.");
    }

    public static IReadOnlyList<int> AsIntList(string name, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(name, "a list of integers", v);
        }
        var list = new List<int>(v.GetArrayLength());
        foreach (var item in v.EnumerateArray())
        {
            list.Add(AsInt(name, item));
        }
        return list;
    }

    public static SamplingParamsException WrongType(string name, string expected, JsonElement got) =>
        new(name, $"{name} must be {expected}, got {Describe(got)}.");

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the string {v.GetRawText()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {v.GetRawText()}",
        JsonValueKind.Number => string.Create(CultureInfo.InvariantCulture, $"the number {v.GetRawText()}"),
        _ => v.ValueKind.ToString(),
    };
}
