using System.Globalization;
using System.Text;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Python's <c>str()</c> and <c>repr()</c> of template values, byte for byte: <c>True</c>/<c>None</c>, shortest
/// round-trip float repr (<c>1e+16</c>, <c>1e-05</c>, <c>0.1</c>), single-quoted string repr with Python's
/// escapes, and list/tuple/dict repr (what a template prints when it outputs a raw structure).
/// </summary>
internal static class PyRepr
{
    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value),
    };

    public static string Repr(object? value)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value);
        return sb.ToString();
    }

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        PyTuple => "tuple",
        PyDict => "dict",
        Namespace => "Namespace",
        Undefined => "Undefined",
        LoopContext => "LoopContext",
        Macro => "Macro",
        ICallable => "builtin_function_or_method",
        _ => value.GetType().Name,
    };

    private static void AppendRepr(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("None"); break;
            case bool b: sb.Append(b ? "True" : "False"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(Float(d)); break;
            case string s: AppendStringRepr(sb, s); break;
            case Undefined: break;
            case List<object?> list:
                sb.Append('[');
                AppendItems(sb, list);
                sb.Append(']');
                break;
            case PyTuple tuple:
                sb.Append('(');
                AppendItems(sb, tuple.Items);
                sb.Append(tuple.Items.Count == 1 ? ",)" : ")");
                break;
            case PyDict dict:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in dict)
                {
                    sb.Append(first ? "" : ", ");
                    first = false;
                    AppendRepr(sb, k);
                    sb.Append(": ");
                    AppendRepr(sb, v);
                }
                sb.Append('}');
                break;
            case Namespace: sb.Append("<Namespace>"); break;
            default: sb.Append('<').Append(TypeName(value)).Append('>'); break;
        }
    }

    private static void AppendItems(StringBuilder sb, IReadOnlyList<object?> items)
    {
        for (var i = 0; i < items.Count; i++)
        {
            sb.Append(i == 0 ? "" : ", ");
            AppendRepr(sb, items[i]);
        }
    }

    /// <summary>float.__repr__: shortest round-trip digits; fixed notation when -4 &lt;= exponent &lt; 16, else d.ddde+XX.</summary>
    public static string Float(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }
        var (negative, digits, exponent) = ShortestDigits(d);
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }
        if (exponent is >= -4 and < 16)
        {
            if (exponent >= 0)
            {
                var intPart = digits.Length > exponent + 1 ? digits[..(exponent + 1)] : digits.PadRight(exponent + 1, '0');
                var fraction = digits.Length > exponent + 1 ? digits[(exponent + 1)..] : "0";
                sb.Append(intPart).Append('.').Append(fraction);
            }
            else
            {
                sb.Append("0.").Append('0', -exponent - 1).Append(digits);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }
            sb.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>The shortest digit string that round-trips, and the decimal exponent of its first digit.</summary>
    public static (bool Negative, string Digits, int Exponent) ShortestDigits(double d)
    {
        // .NET's "R" is the shortest round-trip representation, as Python's repr; only the layout differs.
        var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOfAny(['E', 'e']);
        var exp = e >= 0 ? int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var mantissa = e >= 0 ? r[..e] : r;
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        if (point < 0)
        {
            point = mantissa.Length;
        }
        var all = mantissa.Replace(".", "", StringComparison.Ordinal);
        var firstNonZero = 0;
        while (firstNonZero < all.Length - 1 && all[firstNonZero] == '0')
        {
            firstNonZero++;
        }
        var digits = all[firstNonZero..].TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        return (double.IsNegative(d), digits, exp + point - firstNonZero - 1);
    }

    private static void AppendStringRepr(StringBuilder sb, string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            int cp = c;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                cp = char.ConvertToUtf32(c, s[i + 1]);
            }
            switch (cp)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (cp == quote)
                    {
                        sb.Append('\\').Append(quote);
                    }
                    else if (IsPrintable(cp))
                    {
                        sb.Append(s, i, cp > 0xFFFF ? 2 : 1);
                    }
                    else if (cp < 0x100)
                    {
                        sb.Append("\\x").Append(cp.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (cp < 0x10000)
                    {
                        sb.Append("\\u").Append(cp.ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append("\\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
                    }
                    break;
            }
            if (cp > 0xFFFF)
            {
                i++;
            }
        }
        sb.Append(quote);
    }

    // str.isprintable: everything except categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs other than the space.
    private static bool IsPrintable(int cp)
    {
        if (cp == ' ')
        {
            return true;
        }
        if (cp is >= 0xD800 and <= 0xDFFF)
        {
            return false;
        }
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
    }
}
