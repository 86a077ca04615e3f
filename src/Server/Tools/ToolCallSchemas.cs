using System.Text;

namespace Server.Tools;

/// <summary>The JSON Schemas that force tool-call output (api.md §7.6).</summary>
public static class ToolCallSchemas
{
    /// <summary>
    /// <c>tool_choice: "required"</c>: a non-empty array whose items are, per tool, an object
    /// <c>{"name": &lt;that tool's name&gt;, "parameters": &lt;that tool's schema&gt;}</c> (vLLM's anyOf per tool),
    /// so every element names a defined tool and its arguments fit that tool. Caveat: a <c>$ref</c> inside a
    /// tool's schema resolves against this combined document, not the tool's own.
    /// </summary>
    /// <param name="maxItems">At most this many calls (1 for <c>parallel_tool_calls: false</c>); null = unbounded.</param>
    public static string Required(IReadOnlyList<ToolDefinition> tools, int? maxItems = null)
    {
        var sb = new StringBuilder("""{"type":"array","minItems":1,""");
        if (maxItems is int max) sb.Append("\"maxItems\":").Append(max).Append(',');
        sb.Append("\"items\":{\"anyOf\":[");
        for (var i = 0; i < tools.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append("""{"type":"object","properties":{"name":{"enum":[""")
                .Append('"').Append(tools[i].Name).Append('"') // names are [a-zA-Z0-9_-]: nothing to escape
                .Append("""]},"parameters":""").Append(tools[i].ParametersSchema)
                .Append("""},"required":["name","parameters"],"additionalProperties":false}""");
        }
        return sb.Append("]}}").ToString();
    }
}
