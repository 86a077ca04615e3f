using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.Sampling;
using Server.Errors;
using Server.Requests;

namespace Server.Tools;

/// <summary>
/// The validated <c>tools</c> and <c>tool_choice</c> of a chat request (api.md §7.6). Absent <c>tool_choice</c>
/// with tools means <c>"auto"</c> when a tool-call parser is configured, else <c>"none"</c> (the spec's default).
/// </summary>
/// <param name="FunctionName">The forced function of <see cref="ToolChoiceKind.Named"/>; null otherwise.</param>
/// <param name="Parallel"><c>parallel_tool_calls</c> (default true); false limits a required reply to one call.</param>
/// <param name="Parser">The server's tool-call parser, set for <see cref="ToolChoiceKind.Auto"/>; null otherwise.</param>
public sealed partial record ToolRequest(
    IReadOnlyList<ToolDefinition> Tools, ToolChoiceKind Choice, string? FunctionName, bool Parallel = true, IToolCallParser? Parser = null)
{
    /// <summary>A function without <c>parameters</c> takes none: the only conforming arguments are <c>{}</c>.</summary>
    public const string EmptyParameters = """{"type":"object","properties":{},"additionalProperties":false}""";

    /// <summary>No tools and no tool_choice: ordinary generation.</summary>
    public static ToolRequest Absent { get; } = new([], ToolChoiceKind.None, null);

    /// <summary>Whether the output is constrained to tool-call JSON (named or required).</summary>
    public bool IsForced => Choice is ToolChoiceKind.Named or ToolChoiceKind.Required;

    /// <summary>
    /// Reads and checks <c>tools</c> and <c>tool_choice</c>; every error is a 400 naming one of them.
    /// <paramref name="toolCallParser"/> is the server's configured parser (null = none), which <c>"auto"</c> needs.
    /// </summary>
    public static ToolRequest Parse(JsonElement body, SamplingParams sampling, string? toolCallParser)
    {
        var tools = ParseTools(body);
        var hasChoice = JsonFields.TryGet(body, "tool_choice", out var choiceValue);
        if (tools is null)
        {
            if (hasChoice)
                throw new RequestValidationException("tool_choice", "tool_choice is only allowed when tools are specified.");
            return Absent;
        }
        if (HasGuidedConstraint(sampling))
            throw new RequestValidationException("tools",
                "tools cannot be combined with guided decoding (guided_json, guided_regex, guided_choice, guided_grammar or a response_format other than text).");
        var (kind, name) = hasChoice ? ParseChoice(choiceValue, tools) : (toolCallParser is null ? ToolChoiceKind.None : ToolChoiceKind.Auto, null);
        if (kind == ToolChoiceKind.Auto && toolCallParser is null)
            throw new RequestValidationException("tool_choice",
                $"\"auto\" tool choice requires a tool-call parser: start the server with `engine serve --tool-call-parser NAME` ({string.Join(", ", ToolCallParsers.Names)}).");
        var parser = kind == ToolChoiceKind.Auto ? ToolCallParsers.Of(toolCallParser) : null;
        return new ToolRequest(tools, kind, name, JsonFields.Bool(body, "parallel_tool_calls") ?? true, parser);
    }

    /// <summary>
    /// For named and required choices, <paramref name="sampling"/> with <c>GuidedJson</c> set to the tool-call
    /// schema and re-validated (so a schema the compiler rejects is a 400 naming <c>tools</c>); for auto under a
    /// parser that <see cref="IToolCallParser.KeepsSpecialTokens"/>, with special tokens kept; otherwise unchanged.
    /// </summary>
    public SamplingParams Constrain(SamplingParams sampling, SamplingLimits limits)
    {
        if (Parser is { KeepsSpecialTokens: true }) return sampling with { SkipSpecialTokens = false };
        if (!IsForced) return sampling;
        var schema = Choice == ToolChoiceKind.Named ? Find(FunctionName!).ParametersSchema : ToolCallSchemas.Required(Tools, Parallel ? null : 1);
        try
        {
            return (sampling with { GuidedJson = schema }).Validate(limits);
        }
        catch (SamplingParamsException e)
        {
            throw new RequestValidationException("tools", $"The parameters schema cannot be enforced: {e.Message}");
        }
    }

    private ToolDefinition Find(string name)
    {
        foreach (var tool in Tools)
            if (tool.Name == name) return tool;
        throw new InvalidOperationException($"Tool '{name}' was validated but is not defined.");
    }

    private static bool HasGuidedConstraint(SamplingParams s) =>
        s.GuidedJson is not null || s.GuidedRegex is not null || s.GuidedChoice.Count > 0 || s.GuidedGrammar is not null || s.ResponseFormat is not null;

    private static List<ToolDefinition>? ParseTools(JsonElement body)
    {
        if (JsonFields.Array(body, "tools") is not JsonElement array) return null;
        var tools = new List<ToolDefinition>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var where = $"tools[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
                throw new RequestValidationException("tools", $"{where} must be an object, got {JsonFields.KindName(item.ValueKind)}.");
            if (!item.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
                throw new RequestValidationException("tools", $"{where}.type must be \"function\".");
            if (!item.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
                throw new RequestValidationException("tools", $"{where}.function must be an object with a name.");
            var name = FunctionNameOf(function, $"{where}.function.name", "tools");
            if (tools.Exists(t => t.Name == name))
                throw new RequestValidationException("tools", $"{where}.function.name '{name}' is defined twice.");
            if (function.TryGetProperty("description", out var description) && description.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                throw new RequestValidationException("tools", $"{where}.function.description must be a string.");
            var parameters = EmptyParameters;
            if (function.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind != JsonValueKind.Object)
                    throw new RequestValidationException("tools", $"{where}.function.parameters must be a JSON Schema object.");
                parameters = p.GetRawText();
            }
            tools.Add(new ToolDefinition(name, parameters));
        }
        if (tools.Count == 0)
            throw new RequestValidationException("tools", "tools must contain at least one function.");
        return tools;
    }

    private static (ToolChoiceKind Kind, string? Name) ParseChoice(JsonElement value, List<ToolDefinition> tools)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() switch
            {
                "none" => (ToolChoiceKind.None, null),
                "auto" => (ToolChoiceKind.Auto, null),
                "required" => (ToolChoiceKind.Required, null),
                var other => throw new RequestValidationException("tool_choice",
                    $"tool_choice must be \"none\", \"auto\", \"required\" or {{\"type\": \"function\", \"function\": {{\"name\": ...}}}}, got \"{other}\"."),
            };
        }
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function"
            || !value.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            throw new RequestValidationException("tool_choice",
                "tool_choice must be \"none\", \"auto\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": ...}}.");
        var name = FunctionNameOf(function, "tool_choice.function.name", "tool_choice");
        if (!tools.Exists(t => t.Name == name))
            throw new RequestValidationException("tool_choice", $"tool_choice names function '{name}', which is not in tools.");
        return (ToolChoiceKind.Named, name);
    }

    private static string FunctionNameOf(JsonElement function, string where, string field)
    {
        if (!function.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String)
            throw new RequestValidationException(field, $"{where} is required and must be a string.");
        var name = n.GetString()!;
        if (!NamePattern().IsMatch(name))
            throw new RequestValidationException(field, $"{where} must match ^[a-zA-Z0-9_-]{{1,64}}$, got '{name}'.");
        return name;
    }

    // OpenAI's function-name rule
    [GeneratedRegex(@"^[a-zA-Z0-9_-]{1,64}\z")]
    private static partial Regex NamePattern();
}
