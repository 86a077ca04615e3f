using System.Text.Json;

namespace Loader.Config;

/// <summary>Typed reads of config JSON fields; a present field of the wrong type is an error naming file and field.</summary>
internal readonly struct JsonFields(JsonElement root, string file)
{
    public string File => file;

    public JsonElement Root => root;

    public bool Has(string name) => root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public int RequiredInt(string name) =>
        OptionalInt(name) ?? throw new ModelConfigException(file, name, "required integer field is missing");

    public int? OptionalInt(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return AsInt(value, name);
    }

    public double? OptionalDouble(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new ModelConfigException(file, name, $"expected a number, found {Describe(value)}");
    }

    public bool? OptionalBool(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ModelConfigException(file, name, $"expected true or false, found {Describe(value)}"),
        };
    }

    public string? OptionalString(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ModelConfigException(file, name, $"expected a string, found {Describe(value)}");
    }

    /// <summary>An int, a list of ints, or absent/null (empty list): the shapes HF allows for eos_token_id.</summary>
    public IReadOnlyList<int> IntOrIntList(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind == JsonValueKind.Array)
        {
            var ids = new List<int>(value.GetArrayLength());
            foreach (var item in value.EnumerateArray())
            {
                ids.Add(AsInt(item, name));
            }
            return ids;
        }
        return [AsInt(value, name)];
    }

    public JsonFields? OptionalObject(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Object
            ? new JsonFields(value, file)
            : throw new ModelConfigException(file, name, $"expected an object, found {Describe(value)}");
    }

    private int AsInt(JsonElement value, string name)
    {
        // HF writes some integers as floats (e.g. 8192.0 from Python); accept integral values only.
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt32(out var integer))
            {
                return integer;
            }
            var number = value.GetDouble();
            if (Math.Floor(number) == number && number is >= int.MinValue and <= int.MaxValue)
            {
                return (int)number;
            }
        }
        throw new ModelConfigException(file, name, $"expected an integer, found {Describe(value)}");
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"string \"{value.GetString()}\"",
        JsonValueKind.Number => value.GetRawText(),
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };
}
