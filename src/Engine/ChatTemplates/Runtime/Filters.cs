using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Jinja2's builtin filters (3.1 semantics) plus transformers' <c>tojson</c>. Text filters see <c>str(value)</c>,
/// so undefined becomes ""; collection filters live in <see cref="CollectionFilters"/>.
/// </summary>
internal static partial class Filters
{
    public static object? Apply(Interpreter interpreter, string name, object? value, CallArgs args)
    {
        switch (name)
        {
            case "safe": return value;
            case "string": return PyRepr.Str(value);
            case "trim": return PyText.Strip(PyRepr.Str(value), args.Get(0, "chars") as string);
            case "upper": return PyRepr.Str(value).ToUpperInvariant();
            case "lower": return PyRepr.Str(value).ToLowerInvariant();
            case "capitalize": return PyText.Capitalize(PyRepr.Str(value));
            case "title": return Title(PyRepr.Str(value));
            case "replace":
                return Methods.Bind(PyRepr.Str(value), "replace").Call(interpreter, new CallArgs(
                    [PyRepr.Str(args.Get(0, "old")), PyRepr.Str(args.Get(1, "new")), args.Get(2, "count") ?? -1L], []));
            case "length" or "count": return (long)PyOps.Length(value);
            case "default" or "d":
                var useDefault = value is Undefined || (PyOps.Truthy(args.Get(1, "boolean", false)) && !PyOps.Truthy(value));
                return useDefault ? args.Get(0, "default_value", "") : value;
            case "tojson":
                return PyJson.Dumps(value, IndentString(args.Get(1, "indent")), PyOps.Truthy(args.Get(3, "sort_keys", false)),
                    PyOps.Truthy(args.Get(0, "ensure_ascii", false)), Separator(args, 0), Separator(args, 1));
            case "int": return ToInt(value, args.Get(0, "default", 0L), args.Get(1, "base", 10L));
            case "float": return ToFloat(value, args.Get(0, "default", 0.0));
            case "abs":
                return value switch
                {
                    long l => (object)Math.Abs(l),
                    double d => (object)Math.Abs(d),
                    bool b => (object)(b ? 1L : 0L),
                    _ => throw PyOps.TypeError($"bad operand type for abs(): '{PyRepr.TypeName(value)}'"),
                };
            case "round": return Round(value, args);
            case "e" or "escape" or "forceescape": return Escape(PyRepr.Str(value));
            case "indent": return Indent(PyRepr.Str(value), args);
            case "wordcount": return (long)WordRegex().Count(PyRepr.Str(value));
            case "center": return Methods.Pad(PyRepr.Str(value), "center", (int)(args.Get(0, "width", 80L) as long? ?? 80), " ");
            case "truncate": return Truncate(PyRepr.Str(value), args);
            case "format":
                return args.Keyword.Count > 0
                    ? PyFormat.Percent(PyRepr.Str(value), ToDict(args.Keyword))
                    : PyFormat.Percent(PyRepr.Str(value), new PyTuple(args.Positional));
            case "striptags": return PyText.Strip(string.Join(' ', PyText.Split(TagRegex().Replace(PyRepr.Str(value), ""), null, -1)));
            case "attr": return Lookup.GetAttrOnly(value, PyRepr.Str(args.Get(0, "name")));
            case "pprint": return PyRepr.Repr(value);
            default: return CollectionFilters.Apply(interpreter, name, value, args);
        }
    }

    private static readonly HashSet<string> Names =
    [
        "safe", "string", "trim", "upper", "lower", "capitalize", "title", "replace", "length", "count", "default", "d",
        "tojson", "int", "float", "abs", "round", "e", "escape", "forceescape", "indent", "wordcount", "center",
        "truncate", "format", "striptags", "attr", "pprint", "first", "last", "join", "list", "reverse", "items", "map",
        "select", "reject", "selectattr", "rejectattr", "unique", "sum", "min", "max", "sort", "dictsort", "batch",
        "slice", "groupby",
    ];

    public static bool IsKnown(string name) => Names.Contains(name);

    private static PyDict ToDict(List<KeyValuePair<string, object?>> pairs)
    {
        var dict = new PyDict();
        foreach (var (k, v) in pairs)
        {
            dict[k] = v;
        }
        return dict;
    }

    // transformers: tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False).
    private static string? Separator(CallArgs args, int which) =>
        args.Get(2, "separators") is PyTuple { Items.Count: 2 } t ? PyRepr.Str(t.Items[which]) :
        args.Get(2, "separators") is List<object?> { Count: 2 } l ? PyRepr.Str(l[which]) : null;

    private static string? IndentString(object? indent) => indent switch
    {
        null => null,
        long n => new string(' ', (int)Math.Max(0, n)),
        string s => s,
        _ => throw PyOps.TypeError("indent must be an int or a str"),
    };

    // Jinja's title: capitalise the first letter of each word, words split at whitespace and -({[<.
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var atWordStart = true;
        foreach (var c in s)
        {
            var separator = PyText.IsSpace(c) || c is '-' or '(' or '{' or '[' or '<';
            sb.Append(separator ? c : atWordStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            atWordStart = separator;
        }
        return sb.ToString();
    }

    private static object? ToInt(object? value, object? fallback, object? baseValue)
    {
        switch (value)
        {
            case long l: return l;
            case bool b: return b ? 1L : 0L;
            case double d: return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string s:
                var text = PyText.Strip(s).Replace("_", "", StringComparison.Ordinal);
                var radix = baseValue is long r ? (int)r : 10;
                try
                {
                    if (radix == 10 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                    {
                        return parsed;
                    }
                    if (radix != 10 && text.Length > 0)
                    {
                        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || text.StartsWith("0o", StringComparison.OrdinalIgnoreCase) || text.StartsWith("0b", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
                        return Convert.ToInt64(digits, radix);
                    }
                }
                catch (FormatException)
                {
                    return fallback;
                }
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f) ? (long)Math.Truncate(f) : fallback;
            default: return fallback;
        }
    }

    private static object? ToFloat(object? value, object? fallback) => value switch
    {
        double d => d,
        long l => (double)l,
        bool b => b ? 1.0 : 0.0,
        string s when double.TryParse(PyText.Strip(s), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) => f,
        string s when PyText.Strip(s).ToLowerInvariant() is "inf" or "+inf" or "infinity" => double.PositiveInfinity,
        string s when PyText.Strip(s).ToLowerInvariant() is "-inf" or "-infinity" => double.NegativeInfinity,
        string s when PyText.Strip(s).ToLowerInvariant() is "nan" => double.NaN,
        _ => fallback,
    };

    // Jinja: round(value, precision=0, method='common'|'ceil'|'floor'); common is Python's round (half-even on
    // the exact binary value), and an int stays an int only for 'common'.
    private static object? Round(object? value, CallArgs args)
    {
        var precision = args.Get(0, "precision", 0L) is long p ? (int)p : 0;
        var method = args.Get(1, "method", "common") as string ?? "common";
        if (method == "common" && value is long or bool)
        {
            return value is bool b ? (b ? 1L : 0L) : value;
        }
        var d = PyOps.ToDouble(value);
        var scale = Math.Pow(10, precision);
        return method switch
        {
            "ceil" => (object)(Math.Ceiling(d * scale) / scale),
            "floor" => Math.Floor(d * scale) / scale,
            "common" => RoundHalfEven(d, precision),
            _ => throw new ChatTemplateException("FilterArgumentError: method must be common, ceil or floor"),
        };
    }

    // CPython's round(x, n): the exact binary value times 10^n, rounded half-to-even to an integer, then
    // correctly rounded back to a double (so round(2.675, 2) is 2.67: 2.675 is really 2.67499999...).
    private static double RoundHalfEven(double d, int digits)
    {
        if (!double.IsFinite(d) || d == 0)
        {
            return d;
        }
        var bits = BitConverter.DoubleToInt64Bits(Math.Abs(d));
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }
        exponent -= 1075;
        var numerator = new BigInteger(mantissa) * BigInteger.Pow(10, Math.Max(digits, 0)) << Math.Max(exponent, 0);
        var denominator = BigInteger.Pow(10, Math.Max(-digits, 0)) << Math.Max(-exponent, 0);
        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        var twice = remainder * 2;
        if (twice > denominator || (twice == denominator && !quotient.IsEven))
        {
            quotient += 1;
        }
        var rounded = double.Parse($"{quotient}E{-digits}", NumberStyles.Float, CultureInfo.InvariantCulture);
        return d < 0 ? -rounded : rounded;
    }

    public static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal);

    private static string Indent(string s, CallArgs args)
    {
        var width = args.Get(0, "width", 4L);
        var indentation = width is string w ? w : new string(' ', (int)(width as long? ?? 4));
        var first = PyOps.Truthy(args.Get(1, "first", false));
        var blank = PyOps.Truthy(args.Get(2, "blank", false));
        var lines = PyText.SplitLines(s + "\n");
        string result;
        if (blank)
        {
            result = string.Join("\n" + indentation, lines);
        }
        else
        {
            result = lines.Count == 0 ? "" : lines[0];
            if (lines.Count > 1)
            {
                result += "\n" + string.Join("\n", lines.Skip(1).Select(line => line.Length > 0 ? indentation + line : line));
            }
        }
        return first ? indentation + result : result;
    }

    private static string Truncate(string s, CallArgs args)
    {
        var length = (int)(args.Get(0, "length", 255L) as long? ?? 255);
        var killwords = PyOps.Truthy(args.Get(1, "killwords", false));
        var end = args.Get(2, "end", "...") as string ?? "...";
        var leeway = (int)(args.Get(3, "leeway", 5L) as long? ?? 5);
        if (s.Length <= length + leeway)
        {
            return s;
        }
        if (killwords)
        {
            return s[..(length - end.Length)] + end;
        }
        var cut = s[..(length - end.Length)];
        var space = cut.LastIndexOf(' ');
        return (space >= 0 ? cut[..space] : cut) + end;
    }

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordRegex();

    [GeneratedRegex(@"(<!--.*?-->|<[^>]*>)", RegexOptions.Singleline)]
    private static partial Regex TagRegex();
}
