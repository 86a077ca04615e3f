using System.Text;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// The Python methods templates call on data: <c>str</c> (startswith, split, strip with chars, replace, ...),
/// <c>dict</c> (get, items, keys, values) and read-only <c>list</c>/<c>tuple</c> methods.
/// </summary>
internal static class Methods
{
    private static readonly HashSet<string> StringMethods =
    [
        "startswith", "endswith", "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "upper", "lower",
        "title", "capitalize", "swapcase", "casefold", "replace", "find", "rfind", "index", "rindex", "count", "join",
        "format", "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "isupper", "islower",
        "partition", "rpartition", "center", "ljust", "rjust", "zfill", "removeprefix", "removesuffix",
    ];

    private static readonly HashSet<string> DictMethods = ["get", "items", "keys", "values", "copy"];
    private static readonly HashSet<string> ListMethods = ["index", "count", "copy"];

    public static bool IsStringMethod(string name) => StringMethods.Contains(name);

    public static bool IsDictMethod(string name) => DictMethods.Contains(name);

    public static bool IsListMethod(string name) => ListMethods.Contains(name);

    public static BuiltinFunction Bind(object target, string name) => target switch
    {
        string s => new BuiltinFunction(name, (_, args) => CallString(s, name, args)),
        PyDict d => new BuiltinFunction(name, (_, args) => CallDict(d, name, args)),
        List<object?> l => new BuiltinFunction(name, (_, args) => CallSequence(l, name, args, isList: true)),
        PyTuple t => new BuiltinFunction(name, (_, args) => CallSequence([.. t.Items], name, args, isList: false)),
        _ => throw new InvalidOperationException(),
    };

    private static object? CallDict(PyDict d, string name, CallArgs args) => name switch
    {
        "get" => d.TryGetValue(args.Required(0, "key", "get") ?? "", out var value) ? value : args.Get(1, "default"),
        "items" => d.Select(kv => (object?)new PyTuple([kv.Key, kv.Value])).ToList(),
        "keys" => d.Keys.Cast<object?>().ToList(),
        "values" => d.Values.ToList(),
        _ => Copy(d),
    };

    private static PyDict Copy(PyDict d)
    {
        var copy = new PyDict(d.Count);
        foreach (var (k, v) in d)
        {
            copy[k] = v;
        }
        return copy;
    }

    private static object? CallSequence(List<object?> items, string name, CallArgs args, bool isList)
    {
        var x = args.Get(0, "value");
        switch (name)
        {
            case "count":
                return (long)items.Count(item => PyOps.Equal(item, x));
            case "index":
                var at = items.FindIndex(item => PyOps.Equal(item, x));
                return at >= 0 ? (long)at : throw new ChatTemplateException($"ValueError: {PyRepr.Repr(x)} is not in {(isList ? "list" : "tuple")}");
            default:
                return new List<object?>(items);
        }
    }

    private static string Str(CallArgs args, int index, string name, string method) =>
        args.Required(index, name, method) is string s ? s : throw PyOps.TypeError($"{method}() argument must be str, not {PyRepr.TypeName(args.Get(index, name))}");

    private static string? OptionalStr(CallArgs args, int index, string name) => args.Get(index, name) switch
    {
        null => null,
        string s => s,
        var other => throw PyOps.TypeError($"argument must be str or None, not {PyRepr.TypeName(other)}"),
    };

    private static long Int(CallArgs args, int index, string name, long fallback) => args.Get(index, name, fallback) switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        null => fallback,
        var other => throw PyOps.TypeError($"'{PyRepr.TypeName(other)}' object cannot be interpreted as an integer"),
    };

    private static object? CallString(string s, string name, CallArgs args)
    {
        switch (name)
        {
            case "startswith": return Affix(s, args, name, (text, affix) => text.StartsWith(affix, StringComparison.Ordinal));
            case "endswith": return Affix(s, args, name, (text, affix) => text.EndsWith(affix, StringComparison.Ordinal));
            case "split": return PyText.Split(s, OptionalStr(args, 0, "sep"), Int(args, 1, "maxsplit", -1));
            case "rsplit": return PyText.RSplit(s, OptionalStr(args, 0, "sep"), Int(args, 1, "maxsplit", -1));
            case "splitlines": return PyText.SplitLines(s).ConvertAll(x => (object?)x);
            case "strip": return PyText.Strip(s, OptionalStr(args, 0, "chars"));
            case "lstrip": return PyText.LStrip(s, OptionalStr(args, 0, "chars"));
            case "rstrip": return PyText.RStrip(s, OptionalStr(args, 0, "chars"));
            case "upper": return s.ToUpperInvariant();
            case "lower": return s.ToLowerInvariant();
            case "casefold": return s.ToLowerInvariant();
            case "title": return PyText.Title(s);
            case "capitalize": return PyText.Capitalize(s);
            case "swapcase": return string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
            case "replace": return Replace(s, Str(args, 0, "old", name), Str(args, 1, "new", name), Int(args, 2, "count", -1));
            case "find": return (long)s.IndexOf(Str(args, 0, "sub", name), StringComparison.Ordinal);
            case "rfind": return (long)s.LastIndexOf(Str(args, 0, "sub", name), StringComparison.Ordinal);
            case "index" or "rindex":
                var sub = Str(args, 0, "sub", name);
                var at = name == "index" ? s.IndexOf(sub, StringComparison.Ordinal) : s.LastIndexOf(sub, StringComparison.Ordinal);
                return at >= 0 ? (long)at : throw new ChatTemplateException("ValueError: substring not found");
            case "count": return CountOccurrences(s, Str(args, 0, "sub", name));
            case "join": return string.Join(s, PyOps.Iterate(args.Required(0, "iterable", name)).Select(x => x as string ?? throw PyOps.TypeError($"sequence item: expected str instance, {PyRepr.TypeName(x)} found")));
            case "format": return PyFormat.Braces(s, args);
            case "isdigit" or "isdecimal" or "isnumeric": return s.Length > 0 && s.All(char.IsDigit);
            case "isalpha": return s.Length > 0 && s.All(char.IsLetter);
            case "isalnum": return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case "isspace": return s.Length > 0 && PyText.AllSpace(s);
            case "isupper": return s.Any(char.IsUpper) && !s.Any(char.IsLower);
            case "islower": return s.Any(char.IsLower) && !s.Any(char.IsUpper);
            case "partition" or "rpartition":
                var separator = Str(args, 0, "sep", name);
                var p = name == "partition" ? s.IndexOf(separator, StringComparison.Ordinal) : s.LastIndexOf(separator, StringComparison.Ordinal);
                return p < 0
                    ? new PyTuple(name == "partition" ? [s, "", ""] : ["", "", s])
                    : new PyTuple([s[..p], separator, s[(p + separator.Length)..]]);
            case "center" or "ljust" or "rjust" or "zfill":
                return Pad(s, name, (int)Int(args, 0, "width", 0), args.Get(1, "fillchar", " ") as string ?? " ");
            case "removeprefix":
                var prefix = Str(args, 0, "prefix", name);
                return s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s;
            default:
                var suffix = Str(args, 0, "suffix", name);
                return s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;
        }
    }

    // startswith/endswith accept a str or a tuple of str.
    private static bool Affix(string s, CallArgs args, string name, Func<string, string, bool> test)
    {
        var affix = args.Required(0, "prefix", name);
        var start = (int)Math.Min(Int(args, 1, "start", 0), s.Length);
        var text = start > 0 ? s[start..] : s;
        return affix switch
        {
            string a => test(text, a),
            PyTuple t => t.Items.Any(x => x is string a ? test(text, a) : throw PyOps.TypeError("tuple for startswith must only contain str")),
            _ => throw PyOps.TypeError($"{name} first arg must be str or a tuple of str, not {PyRepr.TypeName(affix)}"),
        };
    }

    private static string Replace(string s, string old, string replacement, long count)
    {
        if (old.Length == 0)
        {
            // Python inserts the replacement before every character and at the end.
            var sb = new StringBuilder();
            var runes = PyText.Runes(s);
            var n = 0L;
            foreach (var rune in runes)
            {
                if (count < 0 || n++ < count)
                {
                    sb.Append(replacement);
                }
                sb.Append(rune);
            }
            return (count < 0 || n < count ? sb.Append(replacement) : sb).ToString();
        }
        if (count < 0)
        {
            return s.Replace(old, replacement, StringComparison.Ordinal);
        }
        var result = new StringBuilder();
        var from = 0;
        for (var i = 0; i < count; i++)
        {
            var at = s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }
            result.Append(s, from, at - from).Append(replacement);
            from = at + old.Length;
        }
        return result.Append(s, from, s.Length - from).ToString();
    }

    public static long CountOccurrences(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return PyText.Length(s) + 1;
        }
        long n = 0;
        for (var at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }

    public static string Pad(string s, string how, int width, string fill)
    {
        var length = PyText.Length(s);
        if (width <= length)
        {
            return s;
        }
        var total = width - length;
        switch (how)
        {
            case "ljust": return s + string.Concat(Enumerable.Repeat(fill, total));
            case "rjust": return string.Concat(Enumerable.Repeat(fill, total)) + s;
            case "zfill":
                var sign = s.Length > 0 && s[0] is '+' or '-' ? s[..1] : "";
                return sign + new string('0', total) + s[sign.Length..];
            default:
                // CPython's centre puts the extra character on the left when the margin is odd and width is odd.
                var left = (total / 2) + (total & width & 1);
                return string.Concat(Enumerable.Repeat(fill, left)) + s + string.Concat(Enumerable.Repeat(fill, total - left));
        }
    }
}
