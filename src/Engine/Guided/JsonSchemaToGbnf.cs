using System.Text;
using System.Text.Json;

namespace Engine.Guided;

/// <summary>
/// Compiles a JSON Schema into GBNF (the approach of llama.cpp's json-schema-to-grammar and outlines'
/// json_schema: one rule per sub-schema, properties in declared order).
/// Honoured: <c>type</c> (one or a list), <c>properties</c> + <c>required</c> + <c>additionalProperties</c>,
/// <c>items</c>, <c>prefixItems</c>, <c>minItems</c>/<c>maxItems</c>, <c>enum</c>, <c>const</c>,
/// <c>anyOf</c>/<c>oneOf</c> (oneOf as anyOf), <c>allOf</c> of object schemas (merged), <c>$ref</c> to
/// <c>#</c>, <c>#/$defs/…</c> and <c>#/definitions/…</c> (recursion allowed), <c>minLength</c>/<c>maxLength</c>,
/// <c>pattern</c> (full match, characters a JSON string would need to escape removed), <c>format</c> date, time,
/// date-time and uuid, OpenAPI <c>nullable</c>, and integer bounds where the grammar is exact and small
/// (JsonSchemaToGbnf.Integers.cs).
/// Decisions: an object with <c>properties</c> and no <c>additionalProperties</c> allows no extra keys (as
/// OpenAI's strict mode and outlines do); extra keys, when allowed, follow the declared ones and may repeat a
/// declared name; <c>prefixItems</c> are all required.
/// Keywords that only annotate (title, description, default, examples, $schema, $id, $comment, unknown
/// formats, …) are ignored; keywords that constrain in a way this compiler cannot honour (other numeric bounds,
/// <c>multipleOf</c>, <c>uniqueItems</c>, <c>contains</c>, <c>not</c>, <c>if</c>/<c>then</c>/<c>else</c>,
/// <c>patternProperties</c>, <c>propertyNames</c>, <c>min/maxProperties</c>, dependencies, unevaluated*) are a
/// <see cref="GrammarException"/> naming the keyword and its JSON path.
/// </summary>
internal sealed partial class JsonSchemaToGbnf
{
    private static readonly string[] Unsupported =
    [
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "uniqueItems", "contains",
        "minContains", "maxContains", "not", "if", "then", "else", "patternProperties", "propertyNames",
        "minProperties", "maxProperties", "dependentRequired", "dependentSchemas", "dependencies",
        "unevaluatedProperties", "unevaluatedItems", "additionalItems", "$dynamicRef", "$recursiveRef",
    ];

    private readonly GbnfRules _rules = new();
    private readonly JsonElement _root;
    private readonly Dictionary<string, string> _refRules = new(StringComparer.Ordinal);

    private JsonSchemaToGbnf(JsonElement root) => _root = root;

    /// <summary>The grammar text for <paramref name="schemaJson"/>; <paramref name="whitespace"/> is the GBNF body of the <c>ws</c> rule.</summary>
    public static string Translate(string schemaJson, string whitespace)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(schemaJson);
        }
        catch (JsonException e)
        {
            throw new GrammarException($"The JSON schema is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            var t = new JsonSchemaToGbnf(doc.RootElement);
            JsonGrammar.AddPrimitives(t._rules, whitespace);
            var root = t.Visit(doc.RootElement, "#", "schema");
            return t._rules.Render(root);
        }
    }

    private string Visit(JsonElement s, string path, string hint)
    {
        if (s.ValueKind is JsonValueKind.True)
        {
            return "json-value";
        }
        if (s.ValueKind is JsonValueKind.False)
        {
            throw new GrammarException($"The schema at {path} is 'false', which no value satisfies.");
        }
        if (s.ValueKind != JsonValueKind.Object)
        {
            throw new GrammarException($"The schema at {path} must be an object or a boolean, got {s.ValueKind}.");
        }
        foreach (var p in s.EnumerateObject())
        {
            if (Array.IndexOf(Unsupported, p.Name) >= 0 && !(IsIntegerBound(p.Name) && IsIntegerSchema(s)))
            {
                throw new GrammarException($"The JSON schema keyword '{p.Name}' at {path} constrains values in a way guided decoding cannot enforce.");
            }
        }
        var body = VisitInner(s, path, hint);
        if (s.TryGetProperty("nullable", out var n) && n.ValueKind == JsonValueKind.True)
        {
            body = $"({body}) | json-null";
        }
        return body;
    }

    private string VisitInner(JsonElement s, string path, string hint)
    {
        if (s.TryGetProperty("$ref", out var r))
        {
            return Ref(r.GetString() ?? "", path);
        }
        if (s.TryGetProperty("const", out var c))
        {
            return GbnfText.Literal(Compact(c));
        }
        if (s.TryGetProperty("enum", out var e))
        {
            if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0)
            {
                throw new GrammarException($"'enum' at {path} must be a non-empty array.");
            }
            return "(" + string.Join(" | ", e.EnumerateArray().Select(v => GbnfText.Literal(Compact(v)))) + ")";
        }
        if (s.TryGetProperty("anyOf", out var any) || s.TryGetProperty("oneOf", out any))
        {
            var alts = Items(any, path, "anyOf").Select((sub, i) => Visit(sub, $"{path}/anyOf/{i}", hint)).ToList();
            return alts.Count == 1 ? alts[0] : "(" + string.Join(" | ", alts) + ")";
        }
        if (s.TryGetProperty("allOf", out var all))
        {
            return AllOf(s, all, path, hint);
        }
        if (s.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.Array)
            {
                var alts = type.EnumerateArray().Select(t => Typed(s, t.GetString() ?? "", path, hint)).ToList();
                return alts.Count == 1 ? alts[0] : "(" + string.Join(" | ", alts) + ")";
            }
            return Typed(s, type.GetString() ?? "", path, hint);
        }
        if (s.TryGetProperty("properties", out _) || s.TryGetProperty("additionalProperties", out _) || s.TryGetProperty("required", out _))
        {
            return Typed(s, "object", path, hint);
        }
        if (s.TryGetProperty("items", out _) || s.TryGetProperty("prefixItems", out _))
        {
            return Typed(s, "array", path, hint);
        }
        if (s.TryGetProperty("pattern", out _) || s.TryGetProperty("minLength", out _) || s.TryGetProperty("maxLength", out _))
        {
            return Typed(s, "string", path, hint);
        }
        return "json-value";
    }

    private string Typed(JsonElement s, string type, string path, string hint) => type switch
    {
        "object" => ObjectRule(s, path, hint),
        "array" => ArrayRule(s, path, hint),
        "string" => StringRule(s, path, hint),
        "number" => "json-number",
        "integer" => IntegerRule(s, path, hint),
        "boolean" => "json-boolean",
        "null" => "json-null",
        _ => throw new GrammarException($"Unknown JSON schema type '{type}' at {path}."),
    };

    private string Ref(string reference, string path)
    {
        if (_refRules.TryGetValue(reference, out var name))
        {
            return name;
        }
        JsonElement target;
        if (reference == "#")
        {
            target = _root;
        }
        else if (reference.StartsWith("#/$defs/", StringComparison.Ordinal) || reference.StartsWith("#/definitions/", StringComparison.Ordinal))
        {
            var slash = reference.IndexOf('/', 2);
            var container = reference[2..slash];
            var key = reference[(slash + 1)..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (!_root.TryGetProperty(container, out var defs) || defs.ValueKind != JsonValueKind.Object || !defs.TryGetProperty(key, out target))
            {
                throw new GrammarException($"'$ref' {reference} at {path} points to nothing in the schema.");
            }
        }
        else
        {
            throw new GrammarException($"'$ref' {reference} at {path} is not supported: only '#', '#/$defs/…' and '#/definitions/…' are.");
        }
        name = _rules.Reserve("ref-" + reference.Split('/')[^1]);
        _refRules[reference] = name;
        _rules.Define(name, Visit(target, reference, name));
        return name;
    }

    private string ArrayRule(JsonElement s, string path, string hint)
    {
        var min = IntKeyword(s, "minItems", path) ?? 0;
        var max = IntKeyword(s, "maxItems", path);
        var prefix = s.TryGetProperty("prefixItems", out var pi)
            ? Items(pi, path, "prefixItems").Select((sub, i) => Visit(sub, $"{path}/prefixItems/{i}", $"{hint}-{i}")).ToList()
            : [];
        string? item = null;
        if (s.TryGetProperty("items", out var items))
        {
            if (items.ValueKind != JsonValueKind.False)
            {
                item = Visit(items, path + "/items", hint + "-item");
            }
        }
        else if (prefix.Count == 0)
        {
            item = "json-value";
        }
        if (max is { } m && (m < min || m < prefix.Count && item is null))
        {
            throw new GrammarException($"'maxItems' at {path} is below minItems or the prefixItems count.");
        }
        // the sequence: prefix items (all required), then between (min − prefix) and (max − prefix) more items
        var parts = new List<string>(prefix);
        var restMin = Math.Max(0, min - prefix.Count);
        var restMax = max is { } mx ? mx - prefix.Count : -1;
        if (item is null && restMin > 0)
        {
            throw new GrammarException($"'minItems' at {path} exceeds the prefixItems count and 'items' is false.");
        }
        string body;
        if (parts.Count == 0 && item is not null)
        {
            // item (ws "," ws item){restMin−1, restMax−1}
            var more = Repeat($"ws \",\" ws {item}", Math.Max(0, restMin - 1), restMax < 0 ? -1 : restMax - 1);
            body = restMin == 0
                ? (restMax == 0 ? "\"[\" ws \"]\"" : $"\"[\" ws ({item} {more} ws)? \"]\"")
                : $"\"[\" ws {item} {more} ws \"]\"";
        }
        else
        {
            var seq = string.Join(" ws \",\" ws ", parts);
            var more = item is null ? "" : Repeat($"ws \",\" ws {item}", restMin, restMax);
            body = $"\"[\" ws {seq} {more} ws \"]\"";
        }
        return _rules.Add(hint, body);
    }

    private static string Repeat(string unit, int min, int max) =>
        max < 0 ? $"({unit}){{{min},}}" : max == 0 ? "" : $"({unit}){{{min},{max}}}";

    private string StringRule(JsonElement s, string path, string hint)
    {
        if (s.TryGetProperty("pattern", out var pattern))
        {
            var inner = RegexToGbnf.Translate(pattern.GetString() ?? "", JsonGrammar.StringChars);
            return _rules.Add(hint, $"\"\\\"\" {inner} \"\\\"\"");
        }
        if (s.TryGetProperty("format", out var format) && FormatBody(format.GetString()) is { } f)
        {
            return _rules.Add(hint, $"\"\\\"\" {f} \"\\\"\"");
        }
        var min = IntKeyword(s, "minLength", path) ?? 0;
        var max = IntKeyword(s, "maxLength", path);
        if (min == 0 && max is null)
        {
            return "json-string";
        }
        var chars = max is { } m ? (m < min ? throw new GrammarException($"'maxLength' at {path} is below minLength.") : $"json-char{{{min},{m}}}") : $"json-char{{{min},}}";
        return _rules.Add(hint, $"\"\\\"\" {chars} \"\\\"\"");
    }

    private static string? FormatBody(string? format)
    {
        const string date = "[0-9]{4} \"-\" (\"0\" [1-9] | \"1\" [0-2]) \"-\" (\"0\" [1-9] | [12] [0-9] | \"3\" [01])";
        const string time = "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]+)? (\"Z\" | [+-] ([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9])";
        const string hex = "[0-9a-fA-F]";
        return format switch
        {
            "date" => date,
            "time" => time,
            "date-time" => $"{date} \"T\" {time}",
            "uuid" => $"{hex}{{8}} \"-\" {hex}{{4}} \"-\" {hex}{{4}} \"-\" {hex}{{4}} \"-\" {hex}{{12}}",
            _ => null, // formats are annotations unless we know them
        };
    }

    private static IEnumerable<JsonElement> Items(JsonElement array, string path, string keyword) =>
        array.ValueKind == JsonValueKind.Array && array.GetArrayLength() > 0
            ? array.EnumerateArray()
            : throw new GrammarException($"'{keyword}' at {path} must be a non-empty array.");

    private static int? IntKeyword(JsonElement s, string name, string path)
    {
        if (!s.TryGetProperty(name, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < 0 || n > GbnfParser.MaxRepeat)
        {
            throw new GrammarException($"'{name}' at {path} must be an integer in [0, {GbnfParser.MaxRepeat}].");
        }
        return n;
    }

    /// <summary>The value as compact JSON (a const/enum member or a property name as a JSON string).</summary>
    private static string Compact(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            value.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Compact(string name) =>
        JsonSerializer.Serialize(name, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
