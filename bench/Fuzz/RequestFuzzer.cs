using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bench.Fuzz;

/// <summary>One fuzzed HTTP request: a POST of <see cref="Body"/> (raw text, possibly invalid JSON) to <see cref="Path"/>.</summary>
public readonly record struct FuzzCase(string Path, string Body);

/// <summary>
/// Hostile variations of valid API requests (issue 13), reproducible from a seed: each case starts from a valid
/// completions, streamed completions, chat, tokenize or detokenize body and sets one to three fields (any request
/// field named in api.md or samplers.md §13) to hostile raw JSON (non-finite and out-of-range numbers, lone
/// surrogate escapes, wrong types, deep nesting, huge constraints), removes fields, or damages the text (duplicate
/// keys, truncation, a flipped character). <see cref="Problem"/> is the oracle: no 5xx, every error in the api.md
/// §4.1 shape, every stream well framed. Used by the Server tests (bounded) and the bench soak (long).
/// </summary>
public sealed partial class RequestFuzzer
{
    private static readonly string DeepGroups = new string('(', 3000) + "a" + new string(')', 3000);
    private static readonly string[] Values =
    [
        "0", "-1", "1", "2", "3.5", "-0.0", "1e400", "-1e400", "1e39", "-1e39", "1e-45", "1e308", "9007199254740993", "2147483647",
        "2147483648", "-2147483649", "100000", "128", "4",
        "\"\"", "\"x\"", "\"\\ud800\"", "\"a\\udc00b\"", "\"\\u0000\"", "\"never\"", "\"a+\"", "\"[\\\\ud800]\"", "\"(((a)))|b*\"",
        "\"root ::= \\\"a\\\" root2\\nroot2 ::= \\\"b\\\"\"", "\"" + DeepGroups + "\"", "\"" + new string('z', 5000) + "\"",
        "\"{{ raise_exception('x') }}\"", "\"" + string.Concat(Enumerable.Repeat("{% if true %}", 400)) + "\"",
        "null", "true", "false", "[]", "{}", "[1,2,3]", "[-1]", "[999999]", "[\"a\",\"\"]", "[[1],[2]]", "[[]]", "[1e400]",
        "{\"1\": 1e400}", "{\"5\": 100, \"5\": -100}", "{\"a\":1,\"a\":2}", new string('[', 70) + new string(']', 70),
        "{\"type\":\"json_object\"}", "{\"type\":\"regex\",\"schema\":\"(a|b)+c\"}", "{\"type\":\"json_schema\"}",
        "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#\"}}}}}",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\",\"minimum\":1e400}}}",
        "[{\"tokens\":[1]}]", "[{\"tokens\":[]}]", "[{\"role\":\"user\",\"content\":\"\\ud800\"}]", "[{\"role\":\"user\"}]",
        "[{\"role\":\"tool\",\"content\":[{\"type\":\"image_url\"}]}]", "[\"XTC\",\"Temperature\"]", "[0,1,2,3,4,5,6,7,8,9,10,11,12,13]",
        "{\"include_usage\":true,\"continuous_usage_stats\":true}",
        "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]",
        "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", "\"required\"",
    ];

    private readonly Random _random;
    private readonly string _model;
    private readonly string[] _fields;

    /// <param name="fields">Field names to mutate (see <see cref="FieldsOf"/>).</param>
    public RequestFuzzer(int seed, string model, IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _random = new Random(seed);
        _model = model;
        _fields = [.. fields];
    }

    /// <summary>
    /// Every request field the specs name: the backticked names in the first column of api.md's tables and the
    /// parameter names of samplers.md §13.
    /// </summary>
    public static IReadOnlyList<string> FieldsOf(string apiMd, string samplersMd)
    {
        ArgumentNullException.ThrowIfNull(apiMd);
        ArgumentNullException.ThrowIfNull(samplersMd);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in apiMd.Split('\n'))
        {
            if (line.StartsWith("| `", StringComparison.Ordinal))
            {
                foreach (Match m in Backticked().Matches(line.Split('|')[1]))
                    names.Add(m.Groups[1].Value);
            }
        }
        var table = samplersMd.IndexOf("## 13.", StringComparison.Ordinal);
        foreach (var line in samplersMd[Math.Max(0, table)..].Split('\n'))
        {
            if (line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| parameter", StringComparison.Ordinal))
            {
                // "guided_json / regex / choice / grammar" shares the first name's prefix
                var prefix = string.Empty;
                foreach (Match m in Identifier().Matches(line.Split('|')[1]))
                {
                    var name = m.Value.Contains('_', StringComparison.Ordinal) || prefix.Length == 0 ? m.Value : prefix + m.Value;
                    if (prefix.Length == 0 && m.Value.Contains('_', StringComparison.Ordinal))
                        prefix = m.Value[..(m.Value.IndexOf('_', StringComparison.Ordinal) + 1)];
                    names.Add(name);
                }
            }
        }
        // the "**Fields**" paragraphs (guided decoding) name fields outside the table
        var lines = samplersMd.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].Contains("**Fields**", StringComparison.Ordinal)) continue;
            for (var j = i; j < Math.Min(lines.Length, i + 3); j++)
                foreach (Match m in Backticked().Matches(lines[j]))
                    names.Add(m.Groups[1].Value);
        }
        return [.. names];
    }

    public FuzzCase Next()
    {
        var (path, fields) = Base();
        var mutations = 1 + _random.Next(3);
        for (var k = 0; k < mutations; k++)
        {
            var roll = _random.Next(10);
            if (roll < 6)
                Set(fields, _fields[_random.Next(_fields.Length)], Pick());
            else if (roll < 8 && fields.Count > 0)
                Set(fields, fields[_random.Next(fields.Count)].Key, Pick());
            else if (fields.Count > 1)
                fields.RemoveAt(_random.Next(fields.Count));
        }
        var body = "{" + string.Join(",", fields.Select(f => $"{JsonSerializer.Serialize(f.Key)}:{f.Value}")) + "}";
        return new FuzzCase(path, _random.Next(8) == 0 ? Damage(body) : body);
    }

    /// <summary>What is wrong with a response, or null when it is acceptable: below 500, errors in the §4.1 shape, streams well framed.</summary>
    public static string? Problem(int status, string? mediaType, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (status >= 500)
            return $"status {status}: {Cut(body)}";
        if (status >= 400)
            return ErrorShape(body, status);
        if (mediaType == "text/event-stream")
        {
            var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(e => !e.StartsWith(':')).ToList();
            if (events.Count == 0 || events[^1] != "data: [DONE]")
                return $"stream does not end with [DONE]: {Cut(body)}";
            foreach (var e in events.SkipLast(1))
            {
                if (!e.StartsWith("data: ", StringComparison.Ordinal))
                    return $"bad SSE frame: {Cut(e)}";
                using var doc = JsonDocument.Parse(e["data: ".Length..]);
                if (doc.RootElement.TryGetProperty("error", out var error))
                {
                    var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : -1;
                    if (code >= 500 || code < 400)
                        return $"in-band error with code {code}: {Cut(e)}";
                    if (ErrorShape(e["data: ".Length..], code) is { } wrong)
                        return wrong;
                }
            }
            return null;
        }
        try
        {
            using var ok = JsonDocument.Parse(body);
            return null;
        }
        catch (JsonException)
        {
            return $"status {status} with a body that is not JSON: {Cut(body)}";
        }
    }

    private static string? ErrorShape(string body, int status)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var error = root.GetProperty("error");
            var message = error.GetProperty("message").GetString();
            if (error.GetProperty("code").GetInt32() != status || string.IsNullOrEmpty(error.GetProperty("type").GetString())
                || string.IsNullOrEmpty(message) || root.GetProperty("object").GetString() != "error"
                || root.GetProperty("message").GetString() != message || root.GetProperty("code").GetInt32() != status)
                return $"error body not in the §4.1 shape for {status}: {Cut(body)}";
            return null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return $"error body not in the §4.1 shape for {status} ({e.GetType().Name}): {Cut(body)}";
        }
    }

    private (string Path, List<KeyValuePair<string, string>> Fields) Base()
    {
        var model = JsonSerializer.Serialize(_model);
        List<KeyValuePair<string, string>> f = [new("model", model)];
        switch (_random.Next(6))
        {
            case 0:
            case 1:
                f.AddRange([new("prompt", "\"Once upon\""), new("max_tokens", "3"), new("temperature", "0.7"), new("seed", "1")]);
                return ("/v1/completions", f);
            case 2:
                f.AddRange([new("prompt", "[\"a\",\"b\"]"), new("max_tokens", "3"), new("stream", "true"), new("temperature", "1"), new("n", "2")]);
                return ("/v1/completions", f);
            case 3:
                f.AddRange([new("messages", "[{\"role\":\"user\",\"content\":\"hi\"}]"), new("max_tokens", "3")]);
                return ("/v1/chat/completions", f);
            case 4:
                f.AddRange([new("messages", "[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"hi\"}]"),
                    new("max_tokens", "3"), new("stream", "true"), new("logprobs", "true"), new("top_logprobs", "2")]);
                return ("/v1/chat/completions", f);
            default:
                return _random.Next(2) == 0
                    ? ("/v1/tokenize", [.. f, new("prompt", "\"hello\"")])
                    : ("/v1/detokenize", [.. f, new("tokens", "[1,2,3]")]);
        }
    }

    private string Pick() => _random.Next(5) == 0
        ? _random.Next(1000).ToString(CultureInfo.InvariantCulture)
        : Values[_random.Next(Values.Length)];

    private static void Set(List<KeyValuePair<string, string>> fields, string name, string value)
    {
        var at = fields.FindIndex(f => f.Key == name);
        if (at >= 0)
            fields[at] = new(name, value);
        else
            fields.Add(new(name, value));
    }

    // text damage: a duplicated key, a truncated body, a character replaced, or a lone surrogate inside a string
    private string Damage(string body)
    {
        var at = _random.Next(body.Length);
        return _random.Next(4) switch
        {
            0 => "{\"model\":\"x\"," + body[1..],
            1 => body[..at],
            2 => string.Concat(body.AsSpan(0, at), "\u0001", body.AsSpan(at + 1)),
            _ => body.Replace("\"hi\"", "\"h\\udfffi\"", StringComparison.Ordinal).Replace("\"hello\"", "\"\\ud83d\"", StringComparison.Ordinal),
        };
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "…";

    [GeneratedRegex("`([a-z][a-z0-9_]*)`")]
    private static partial Regex Backticked();

    [GeneratedRegex("[a-z][a-z0-9_]*")]
    private static partial Regex Identifier();
}
