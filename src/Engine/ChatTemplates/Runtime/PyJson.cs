using System.Globalization;
using System.Text;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Python's <c>json.dumps</c> as transformers' <c>tojson</c> filter calls it: separators <c>", "</c> and
/// <c>": "</c> (<c>","</c> between items once an indent is given), non-ASCII kept unless ensure_ascii, floats in
/// repr form, NaN/Infinity spelled as Python does, tuples as arrays, non-string keys converted as Python converts them.
/// </summary>
internal static class PyJson
{
    public static string Dumps(object? value, string? indent, bool sortKeys, bool ensureAscii, string? itemSeparator = null, string? keySeparator = null)
    {
        var sb = new StringBuilder();
        var options = new Options(indent, sortKeys, ensureAscii, itemSeparator ?? (indent is null ? ", " : ","), keySeparator ?? ": ");
        Write(sb, value, options, 0);
        return sb.ToString();
    }

    private sealed record Options(string? Indent, bool SortKeys, bool EnsureAscii, string ItemSeparator, string KeySeparator);

    private static void Write(StringBuilder sb, object? value, Options o, int level)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(Float(d)); break;
            case string s: WriteString(sb, s, o.EnsureAscii); break;
            case List<object?> list: WriteArray(sb, list, o, level); break;
            case PyTuple tuple: WriteArray(sb, tuple.Items, o, level); break;
            case PyDict dict: WriteObject(sb, dict, o, level); break;
            case Namespace ns:
                var attrs = new PyDict();
                foreach (var (k, v) in ns.Attributes)
                {
                    attrs[k] = v;
                }
                WriteObject(sb, attrs, o, level);
                break;
            default:
                throw PyOps.TypeError($"Object of type {PyRepr.TypeName(value)} is not JSON serializable");
        }
    }

    private static string Float(double d) =>
        double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyRepr.Float(d);

    private static void NewLine(StringBuilder sb, Options o, int level)
    {
        sb.Append('\n');
        for (var i = 0; i < level; i++)
        {
            sb.Append(o.Indent);
        }
    }

    private static void WriteArray(StringBuilder sb, IReadOnlyList<object?> items, Options o, int level)
    {
        if (items.Count == 0)
        {
            sb.Append("[]");
            return;
        }
        sb.Append('[');
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(o.ItemSeparator);
            }
            if (o.Indent is not null)
            {
                NewLine(sb, o, level + 1);
            }
            Write(sb, items[i], o, level + 1);
        }
        if (o.Indent is not null)
        {
            NewLine(sb, o, level);
        }
        sb.Append(']');
    }

    private static void WriteObject(StringBuilder sb, PyDict dict, Options o, int level)
    {
        if (dict.Count == 0)
        {
            sb.Append("{}");
            return;
        }
        var entries = dict.Select(kv => new KeyValuePair<string, object?>(KeyString(kv.Key), kv.Value)).ToList();
        if (o.SortKeys)
        {
            entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        }
        sb.Append('{');
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(o.ItemSeparator);
            }
            if (o.Indent is not null)
            {
                NewLine(sb, o, level + 1);
            }
            WriteString(sb, entries[i].Key, o.EnsureAscii);
            sb.Append(o.KeySeparator);
            Write(sb, entries[i].Value, o, level + 1);
        }
        if (o.Indent is not null)
        {
            NewLine(sb, o, level);
        }
        sb.Append('}');
    }

    private static string KeyString(object key) => key switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        _ => throw PyOps.TypeError($"keys must be str, int, float, bool or None, not {PyRepr.TypeName(key)}"),
    };

    /// <summary>A JSON string literal with Python's escapes (\n, \", \\, \uXXXX for other controls).</summary>
    public static void WriteString(StringBuilder sb, string s, bool ensureAscii)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ensureAscii && c > 0x7e))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
