using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Engine.ChatTemplates.Runtime;
using Engine.ChatTemplates.Syntax;

namespace Engine.ChatTemplates;

/// <summary>
/// A parsed Jinja2 chat template, rendered with the semantics Hugging Face transformers configures
/// (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loop controls, plain Undefined, no autoescape,
/// <c>tojson</c> as <c>json.dumps(ensure_ascii=False)</c>, <c>raise_exception</c>, <c>strftime_now</c>).
/// Thread-safe: a parsed template is immutable and each render has its own state.
/// </summary>
public sealed class ChatTemplate
{
    private const int CacheCapacity = 64;
    private static readonly ConcurrentDictionary<string, ChatTemplate> Cache = new(StringComparer.Ordinal);

    private readonly List<Stmt> _body;
    private readonly string _normalized;

    private ChatTemplate(string source, string normalized, List<Stmt> body)
    {
        Source = source;
        _normalized = normalized;
        _body = body;
    }

    /// <summary>The template text as given.</summary>
    public string Source { get; }

    /// <summary>
    /// Parses <paramref name="source"/> (cached by source text, so per-request templates and model templates are
    /// parsed once). Throws <see cref="ChatTemplateException"/> with line and column on a syntax error.
    /// </summary>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Cache.TryGetValue(source, out var cached))
        {
            return cached;
        }
        var normalized = Lexer.Normalize(source);
        List<Stmt> body;
        try
        {
            body = Parser.ParseTemplate(normalized);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new ChatTemplateException("Template syntax error: nesting too deep", e);
        }
        var template = new ChatTemplate(source, normalized, body);
        if (Cache.Count >= CacheCapacity)
        {
            // Per-request templates could otherwise grow the cache without bound; a reset is cheap and rare.
            Cache.Clear();
        }
        Cache.TryAdd(source, template);
        return template;
    }

    /// <summary>
    /// Renders with <paramref name="variables"/> as the template context (each JSON value converted as
    /// Python's json.loads would). Throws <see cref="ChatTemplateException"/> on a template error,
    /// <c>raise_exception</c>, or an exceeded <paramref name="limits"/> budget.
    /// </summary>
    public string Render(JsonObject variables, ChatTemplateLimits? limits = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var context = variables.Select(kv => new KeyValuePair<string, object?>(kv.Key, JsonValues.FromNode(kv.Value)));
        return RenderValues(context, limits, clock);
    }

    internal string RenderValues(IEnumerable<KeyValuePair<string, object?>> variables, ChatTemplateLimits? limits = null, TimeProvider? clock = null)
    {
        try
        {
            return Interpreter.Render(_normalized, _body, variables, limits ?? ChatTemplateLimits.Default, clock ?? TimeProvider.System);
        }
        catch (OverflowException e)
        {
            throw new ChatTemplateException("OverflowError: integer result too large for the template runtime", e);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new ChatTemplateException("RecursionError: template nesting too deep", e);
        }
    }
}
