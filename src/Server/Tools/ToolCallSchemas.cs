using System.Text;
using System.Text.Json.Nodes;

namespace Server.Tools;

/// <summary>The JSON Schemas that force tool-call output (api.md §7.6).</summary>
public static class ToolCallSchemas
{
    /// <summary>
    /// <c>tool_choice: "required"</c>: a non-empty array whose items are, per tool, an object
    /// <c>{"name": &lt;that tool's name&gt;, "parameters": &lt;that tool's schema&gt;}</c> (vLLM's anyOf per tool),
    /// so every element names a defined tool and its arguments fit that tool. A tool's local references
    /// (<c>#</c>, <c>#/$defs/K</c>, <c>#/definitions/K</c>) would resolve against this combined document, so they are
    /// rewritten to <c>#/$defs/NAME.$defs.K</c> (and <c>#/$defs/NAME</c> for the tool's own root), definitions the
    /// combined schema carries: two tools may define the same key differently.
    /// </summary>
    /// <param name="maxItems">At most this many calls (1 for <c>parallel_tool_calls: false</c>); null = unbounded.</param>
    public static string Required(IReadOnlyList<ToolDefinition> tools, int? maxItems = null)
    {
        var sb = new StringBuilder("""{"type":"array","minItems":1,""");
        if (maxItems is int max) sb.Append("\"maxItems\":").Append(max).Append(',');
        sb.Append("\"items\":{\"anyOf\":[");
        var defs = new JsonObject();
        for (var i = 0; i < tools.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append("""{"type":"object","properties":{"name":{"enum":[""")
                .Append('"').Append(tools[i].Name).Append('"') // names are [a-zA-Z0-9_-]: nothing to escape
                .Append("""]},"parameters":""").Append(Namespaced(tools[i], defs))
                .Append("""},"required":["name","parameters"],"additionalProperties":false}""");
        }
        sb.Append("]}");
        if (defs.Count > 0) sb.Append(",\"$defs\":").Append(defs.ToJsonString());
        return sb.Append('}').ToString();
    }

    // The tool's schema with its local refs pointing into the combined $defs, to which its definitions (and, when
    // something refers to "#", the tool's whole schema) are added under names prefixed by the tool's name.
    private static string Namespaced(ToolDefinition tool, JsonObject defs)
    {
        if (!tool.ParametersSchema.Contains("ref", StringComparison.Ordinal))
        {
            return tool.ParametersSchema; // no "$ref" (escaped or not) anywhere: nothing resolves against the root
        }
        if (JsonNode.Parse(tool.ParametersSchema) is not JsonObject schema)
        {
            return tool.ParametersSchema;
        }
        var refersToRoot = false;
        Rewrite(schema, tool.Name, ref refersToRoot);
        foreach (var container in (string[])["$defs", "definitions"])
        {
            if (schema[container] is JsonObject local)
            {
                foreach (var (key, definition) in local)
                {
                    defs[$"{tool.Name}.{container}.{key}"] = definition?.DeepClone();
                }
            }
        }
        if (refersToRoot)
        {
            defs[tool.Name] = schema.DeepClone();
        }
        return schema.ToJsonString();
    }

    private static void Rewrite(JsonNode? node, string toolName, ref bool refersToRoot)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                Rewrite(item, toolName, ref refersToRoot);
            }
            return;
        }
        if (node is not JsonObject obj)
        {
            return;
        }
        if (obj["$ref"] is JsonValue value && value.TryGetValue<string>(out var reference) && Local(reference, toolName, ref refersToRoot) is { } rewritten)
        {
            obj["$ref"] = rewritten;
        }
        foreach (var (key, child) in obj)
        {
            // enum and const hold data, not schemas: an object there with a "$ref" member is a value to produce
            if (key is not ("enum" or "const"))
            {
                Rewrite(child, toolName, ref refersToRoot);
            }
        }
    }

    // "#" → "#/$defs/NAME"; "#/$defs/K" or "#/definitions/K" → "#/$defs/NAME.$defs.K" (K stays JSON-Pointer escaped,
    // and NAME is [a-zA-Z0-9_-], so the new key needs no escaping of its own); anything else is left as written.
    private static string? Local(string reference, string toolName, ref bool refersToRoot)
    {
        if (reference == "#")
        {
            refersToRoot = true;
            return "#/$defs/" + toolName;
        }
        foreach (var container in (string[])["$defs", "definitions"])
        {
            var prefix = "#/" + container + "/";
            if (reference.StartsWith(prefix, StringComparison.Ordinal))
            {
                return $"#/$defs/{toolName}.{container}.{reference[prefix.Length..]}";
            }
        }
        return null;
    }
}
