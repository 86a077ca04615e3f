using System.Text.Json;
using Engine.Sampling;

namespace Engine.Guided;

/// <summary>
/// The engine's one constraint compiler (samplers.md §4.1): maps whichever of <c>guided_json</c>,
/// <c>guided_regex</c>, <c>guided_choice</c>, <c>guided_grammar</c> or <c>response_format</c> a request set onto
/// a <see cref="Grammar"/> (JSON schema, regex and choice through their GBNF front-ends), compiling each distinct
/// constraint once (a bounded LRU cache shared by all requests). Immutable; every sequence of a request shares it
/// and keeps its own <see cref="GuidedSequence"/>.
/// </summary>
public sealed class GuidedConstraint
{
    /// <summary>How many distinct compiled constraints are kept.</summary>
    public const int CacheCapacity = 128;

    private static readonly ConstraintCache Cache = new(CacheCapacity);

    private GuidedConstraint(Grammar grammar, string field)
    {
        Grammar = grammar;
        Field = field;
    }

    /// <summary>The request field that carried the constraint (<c>guided_json</c>, <c>response_format</c>, …).</summary>
    public string Field { get; }

    internal Grammar Grammar { get; }

    internal static int CachedCount => Cache.Count;

    /// <summary>
    /// The constraint of <paramref name="p"/>, or null when it sets none (<c>response_format</c> text counts as none).
    /// Throws <see cref="SamplingParamsException"/> naming the field for a schema that is not JSON, an invalid or
    /// unsupported regex, schema keyword or GBNF grammar.
    /// </summary>
    public static GuidedConstraint? Compile(SamplingParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var (field, kind, source) = Select(p);
        if (field is null)
        {
            return null;
        }
        var json = kind is "json" or "json_object";
        var ws = json ? p.GuidedWhitespacePattern : null;
        var key = $"{kind}\u0000{source}\u0000{ws ?? "\u0001"}";
        try
        {
            return new GuidedConstraint(Cache.GetOrAdd(key, () => GbnfParser.Parse(GrammarText(kind, source!, json ? Whitespace(ws) : null))), field);
        }
        catch (GrammarException e)
        {
            throw new SamplingParamsException(field, $"{field}: {e.Message}");
        }
    }

    // the GBNF body of the ws rule between JSON tokens: §4.1's default or guided_whitespace_pattern
    private static string Whitespace(string? pattern)
    {
        if (pattern is null)
        {
            return JsonGrammar.DefaultWhitespace;
        }
        if (pattern.Length == 0)
        {
            return "\"\""; // no whitespace at all
        }
        try
        {
            return RegexToGbnf.Translate(pattern);
        }
        catch (GrammarException e)
        {
            throw new SamplingParamsException("guided_whitespace_pattern", $"guided_whitespace_pattern: {e.Message}");
        }
    }

    private static string GrammarText(string kind, string source, string? whitespace) => kind switch
    {
        "grammar" => GrammarNotation.ToGbnf(source),
        "choice" => source,
        "regex" => "root ::= " + RegexToGbnf.Translate(source) + "\n",
        "json_object" => JsonGrammar.AnyObject(whitespace!),
        _ => JsonSchemaToGbnf.Translate(source, whitespace!),
    };

    // (field, kind, source): kind is grammar | regex | choice | json | json_object; choice arrives as GBNF already
    private static (string? Field, string Kind, string? Source) Select(SamplingParams p)
    {
        if (p.GuidedJson is { } json)
        {
            return ("guided_json", "json", json);
        }
        if (p.GuidedRegex is { } regex)
        {
            return ("guided_regex", "regex", regex);
        }
        if (p.GuidedChoice.Count > 0)
        {
            // §4.1: (c1|…|ck) with every choice a literal
            return ("guided_choice", "choice", "root ::= " + string.Join(" | ", p.GuidedChoice.Select(GbnfText.Literal)) + "\n");
        }
        if (p.GuidedGrammar is { } grammar)
        {
            return ("guided_grammar", "grammar", grammar);
        }
        if (p.ResponseFormat is { } format)
        {
            return ResponseFormat(format);
        }
        return (null, "", null);
    }

    private static (string? Field, string Kind, string? Source) ResponseFormat(string raw)
    {
        const string field = "response_format";
        using var doc = JsonDocument.Parse(raw);
        var root = doc.RootElement;
        var type = root.GetProperty("type").GetString();
        switch (type)
        {
            case "json_object" when root.TryGetProperty("schema", out var schema):
                return (field, "json", SchemaText(schema, "response_format.schema"));
            case "json_object":
                return (field, "json_object", "");
            case "json_schema":
                if (root.TryGetProperty("json_schema", out var js))
                {
                    if (js.ValueKind != JsonValueKind.Object || !js.TryGetProperty("schema", out var inner))
                    {
                        throw new SamplingParamsException(field, "response_format.json_schema must be an object with a \"schema\".");
                    }
                    return (field, "json", SchemaText(inner, "response_format.json_schema.schema"));
                }
                return (field, "json", SchemaText(root.GetProperty("schema"), "response_format.schema"));
            case "regex":
                return (field, "regex", root.GetProperty("schema").GetString());
            default:
                return (null, "", null);
        }
    }

    private static string SchemaText(JsonElement schema, string where) => schema.ValueKind switch
    {
        JsonValueKind.Object => schema.GetRawText(),
        JsonValueKind.String => schema.GetString()!,
        _ => throw new SamplingParamsException("response_format", $"{where} must be a JSON schema object or a JSON string."),
    };
}
