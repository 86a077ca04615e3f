using System.Text.Json;

namespace Engine.Guided;

/// <summary>Object schemas: members in declared order with optional ones skippable, extra keys, and allOf merging.</summary>
internal sealed partial class JsonSchemaToGbnf
{
    private string AllOf(JsonElement s, JsonElement all, string path, string hint)
    {
        var parts = Items(all, path, "allOf").Select(Resolve).ToList();
        if (parts.Count == 1 && !s.TryGetProperty("properties", out _))
        {
            return Visit(parts[0], path + "/allOf/0", hint);
        }
        // merge object schemas: union of properties and required, the last additionalProperties wins
        parts.Insert(0, s);
        var properties = new List<(string Name, JsonElement Schema)>();
        var required = new HashSet<string>(StringComparer.Ordinal);
        JsonElement? additional = null;
        foreach (var part in parts)
        {
            if (part.TryGetProperty("type", out var t) && t.GetString() != "object")
            {
                throw new GrammarException($"'allOf' at {path} is supported only for object schemas.");
            }
            foreach (var p in Properties(part))
            {
                properties.RemoveAll(x => x.Name == p.Name);
                properties.Add(p);
            }
            required.UnionWith(Required(part));
            if (part.TryGetProperty("additionalProperties", out var a))
            {
                additional = a;
            }
        }
        return ObjectBody(properties, required, additional, path, hint);
    }

    private JsonElement Resolve(JsonElement s)
    {
        for (var depth = 0; s.ValueKind == JsonValueKind.Object && s.TryGetProperty("$ref", out var r) && depth < 32; depth++)
        {
            var reference = r.GetString() ?? "";
            if (reference == "#")
            {
                return _root;
            }
            var slash = reference.IndexOf('/', 2);
            if (!reference.StartsWith("#/", StringComparison.Ordinal) || slash < 0 || !_root.TryGetProperty(reference[2..slash], out var defs)
                || !defs.TryGetProperty(reference[(slash + 1)..], out s))
            {
                throw new GrammarException($"'$ref' {reference} in 'allOf' points to nothing in the schema.");
            }
        }
        return s;
    }

    private string ObjectRule(JsonElement s, string path, string hint)
    {
        s.TryGetProperty("additionalProperties", out var add);
        return ObjectBody([.. Properties(s)], Required(s), add.ValueKind == JsonValueKind.Undefined ? null : add, path, hint);
    }

    private string ObjectBody(List<(string Name, JsonElement Schema)> properties, IReadOnlySet<string> required, JsonElement? additional,
        string path, string hint)
    {
        // members in declared order; entry i is (GBNF of "key": value, required?)
        var members = properties.Select(p => (Kv: $"{GbnfText.Literal(Compact(p.Name))} ws \":\" ws {Visit(p.Schema, $"{path}/properties/{p.Name}", hint + "-" + p.Name)}",
            Required: required.Contains(p.Name))).ToList();
        foreach (var name in required)
        {
            if (!properties.Any(p => p.Name == name))
            {
                // a required key without a declared schema: any value
                members.Add(($"{GbnfText.Literal(Compact(name))} ws \":\" ws json-value", true));
            }
        }
        string? extra = null;
        var allowExtra = additional is { } a ? a.ValueKind != JsonValueKind.False : properties.Count == 0;
        if (allowExtra)
        {
            var valueRule = additional is { ValueKind: JsonValueKind.Object } schema ? Visit(schema, path + "/additionalProperties", hint + "-extra") : "json-value";
            extra = _rules.Add(hint + "-extra-kv", $"json-string ws \":\" ws {valueRule}");
        }
        var k = members.Count;
        // tail[i]: members i.. after at least one was written (each preceded by a comma); head[i]: the same, none written yet, non-empty
        var tail = new string[k + 1];
        tail[k] = extra is null ? "" : _rules.Add(hint + "-extra-tail", $"(ws \",\" ws {extra})*");
        for (var i = k - 1; i >= 0; i--)
        {
            var item = $"ws \",\" ws {members[i].Kv}";
            tail[i] = _rules.Add(hint + "-tail", members[i].Required ? $"{item} {tail[i + 1]}" : $"({item})? {tail[i + 1]}");
        }
        string? head = extra is null ? null : _rules.Add(hint + "-extra-head", $"{extra} {tail[k]}");
        var nullable = true;
        for (var i = k - 1; i >= 0; i--)
        {
            var take = $"{members[i].Kv} {tail[i + 1]}";
            if (members[i].Required)
            {
                head = _rules.Add(hint + "-head", take);
                nullable = false;
            }
            else
            {
                head = _rules.Add(hint + "-head", head is null ? take : $"{take} | {head}");
            }
        }
        var body = head is null ? "\"{\" ws \"}\"" : nullable ? $"\"{{\" ws ({head} ws)? \"}}\"" : $"\"{{\" ws {head} ws \"}}\"";
        return _rules.Add(hint, body);
    }

    private static IEnumerable<(string Name, JsonElement Schema)> Properties(JsonElement s) =>
        s.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object
            ? props.EnumerateObject().Select(p => (p.Name, p.Value))
            : [];

    private static HashSet<string> Required(JsonElement s) =>
        s.TryGetProperty("required", out var req) && req.ValueKind == JsonValueKind.Array
            ? [.. req.EnumerateArray().Select(x => x.GetString() ?? "")]
            : [];
}
