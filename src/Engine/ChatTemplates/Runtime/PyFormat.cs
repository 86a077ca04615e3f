using System.Globalization;
using System.Text;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Python string formatting: printf-style <c>format % values</c> (the <c>%</c> operator and Jinja's
/// <c>format</c> filter) and a subset of <c>str.format</c> (<c>{}</c>, <c>{0}</c>, <c>{name}</c>, <c>!r</c>,
/// and printf-compatible specs such as <c>{:.2f}</c>).
/// </summary>
internal static class PyFormat
{
    public static string Percent(string format, object? values)
    {
        var args = values is PyTuple t ? t.Items : [values];
        var mapping = values as PyDict;
        var next = 0;
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                sb.Append(format[i]);
                continue;
            }
            if (++i >= format.Length)
            {
                throw new ChatTemplateException("ValueError: incomplete format");
            }
            object? arg = null;
            var hasArg = false;
            if (format[i] == '(')
            {
                var close = format.IndexOf(')', i);
                if (close < 0 || mapping is null)
                {
                    throw PyOps.TypeError("format requires a mapping");
                }
                var key = format[(i + 1)..close];
                arg = mapping.TryGetValue(key, out var v) ? v : throw new ChatTemplateException($"KeyError: '{key}'");
                hasArg = true;
                i = close + 1;
            }
            var flags = "";
            while (i < format.Length && "-+ #0".Contains(format[i], StringComparison.Ordinal))
            {
                flags += format[i++];
            }
            var width = ReadNumber(format, ref i, args, ref next);
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadNumber(format, ref i, args, ref next) ?? 0;
            }
            while (i < format.Length && format[i] is 'h' or 'l' or 'L')
            {
                i++;
            }
            if (i >= format.Length)
            {
                throw new ChatTemplateException("ValueError: incomplete format");
            }
            var conversion = format[i];
            if (conversion == '%')
            {
                sb.Append('%');
                continue;
            }
            if (!hasArg)
            {
                arg = mapping is not null && values is not PyTuple ? mapping
                    : next < args.Count ? args[next++]
                    : throw PyOps.TypeError("not enough arguments for format string");
            }
            sb.Append(Spec(arg, conversion, flags, width, precision));
        }
        if (mapping is null && next < args.Count)
        {
            throw PyOps.TypeError("not all arguments converted during string formatting");
        }
        return sb.ToString();
    }

    private static int? ReadNumber(string format, ref int i, IReadOnlyList<object?> args, ref int next)
    {
        if (i < format.Length && format[i] == '*')
        {
            i++;
            return next < args.Count && args[next++] is long star ? (int)star : throw PyOps.TypeError("* wants int");
        }
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            i++;
        }
        return i > start ? int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }

    /// <summary>One conversion (<c>s r d i f e g x o c</c>) with flags, width and precision.</summary>
    public static string Spec(object? arg, char conversion, string flags, int? width, int? precision)
    {
        string body;
        var numeric = true;
        switch (conversion)
        {
            case 's':
                body = PyRepr.Str(arg);
                numeric = false;
                if (precision is { } p && p < body.Length)
                {
                    body = body[..p];
                }
                break;
            case 'r' or 'a':
                body = PyRepr.Repr(arg);
                numeric = false;
                break;
            case 'd' or 'i' or 'u':
                body = Integer(arg, conversion).ToString(CultureInfo.InvariantCulture);
                break;
            case 'x' or 'X' or 'o':
                var n = Integer(arg, conversion);
                var digits = Math.Abs(n).ToString(conversion == 'o' ? "" : conversion.ToString(), CultureInfo.InvariantCulture);
                if (conversion == 'o')
                {
                    digits = Convert.ToString(Math.Abs(n), 8);
                }
                var prefix = flags.Contains('#', StringComparison.Ordinal) ? (conversion == 'o' ? "0o" : conversion == 'x' ? "0x" : "0X") : "";
                body = (n < 0 ? "-" : "") + prefix + digits;
                break;
            case 'f' or 'F' or 'e' or 'E' or 'g' or 'G':
                body = FormatFloat(PyOps.ToDouble(arg is string ? throw PyOps.TypeError("must be real number, not str") : arg), conversion, precision ?? 6, flags.Contains('#', StringComparison.Ordinal));
                break;
            case 'c':
                body = arg is string c ? c : char.ConvertFromUtf32((int)Integer(arg, conversion));
                numeric = false;
                break;
            default:
                throw new ChatTemplateException($"ValueError: unsupported format character '{conversion}'");
        }
        if (numeric && !body.StartsWith('-'))
        {
            body = flags.Contains('+', StringComparison.Ordinal) ? "+" + body : flags.Contains(' ', StringComparison.Ordinal) ? " " + body : body;
        }
        if (width is { } w && body.Length < w)
        {
            if (flags.Contains('-', StringComparison.Ordinal))
            {
                body = body.PadRight(w);
            }
            else if (numeric && flags.Contains('0', StringComparison.Ordinal))
            {
                var signLength = body.Length > 0 && body[0] is '+' or '-' or ' ' ? 1 : 0;
                body = body[..signLength] + new string('0', w - body.Length) + body[signLength..];
            }
            else
            {
                body = body.PadLeft(w);
            }
        }
        return body;
    }

    private static long Integer(object? arg, char conversion) => arg switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)Math.Truncate(d),
        _ => throw PyOps.TypeError($"%{conversion} format: a real number is required, not {PyRepr.TypeName(arg)}"),
    };

    private static string FormatFloat(double d, char conversion, int precision, bool alternate)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            var special = double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
            return char.IsUpper(conversion) ? special.ToUpperInvariant() : special;
        }
        switch (char.ToLowerInvariant(conversion))
        {
            case 'f':
                return d.ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            case 'e':
                return Exponent(d, precision, conversion);
            default:
                // %g: significant digits p; fixed when -4 <= exponent < p, trailing zeros removed unless '#'.
                var p = precision == 0 ? 1 : precision;
                var exponentForm = Exponent(d, p - 1, 'e');
                var exp = int.Parse(exponentForm.AsSpan(exponentForm.IndexOf('e', StringComparison.Ordinal) + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                string text;
                if (exp >= -4 && exp < p)
                {
                    text = d.ToString("F" + (p - 1 - exp).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                    if (!alternate && text.Contains('.', StringComparison.Ordinal))
                    {
                        text = text.TrimEnd('0').TrimEnd('.');
                    }
                }
                else
                {
                    var mantissa = exponentForm[..exponentForm.IndexOf('e', StringComparison.Ordinal)];
                    if (!alternate && mantissa.Contains('.', StringComparison.Ordinal))
                    {
                        mantissa = mantissa.TrimEnd('0').TrimEnd('.');
                    }
                    text = mantissa + exponentForm[exponentForm.IndexOf('e', StringComparison.Ordinal)..];
                }
                return conversion == 'G' ? text.ToUpperInvariant() : text;
        }
    }

    // d.ddddde+XX with at least two exponent digits, as C's printf.
    private static string Exponent(double d, int precision, char conversion)
    {
        var s = d.ToString((conversion == 'E' ? "E" : "e") + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var e = s.IndexOfAny(['e', 'E']);
        var exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return s[..(e + 1)] + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>str.format: positional and named fields, <c>{{</c>/<c>}}</c> escapes, <c>!r</c>/<c>!s</c>, printf-like specs.</summary>
    public static string Braces(string format, CallArgs args)
    {
        var sb = new StringBuilder();
        var auto = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '}' && i + 1 < format.Length && format[i + 1] == '}')
            {
                sb.Append('}');
                i++;
                continue;
            }
            if (c != '{')
            {
                sb.Append(c);
                continue;
            }
            if (i + 1 < format.Length && format[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }
            var close = format.IndexOf('}', i);
            if (close < 0)
            {
                throw new ChatTemplateException("ValueError: Single '{' encountered in format string");
            }
            var field = format[(i + 1)..close];
            i = close;
            var spec = "";
            var colon = field.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                spec = field[(colon + 1)..];
                field = field[..colon];
            }
            var conversion = 's';
            var bang = field.IndexOf('!', StringComparison.Ordinal);
            if (bang >= 0)
            {
                conversion = field[(bang + 1)..] == "r" ? 'r' : 's';
                field = field[..bang];
            }
            object? value = field.Length == 0 ? args.Get(auto++, "\0")
                : int.TryParse(field, out var index) ? args.Get(index, "\0")
                : args.Get(-1, field, Undefined.Named(field));
            sb.Append(spec.Length == 0 ? (conversion == 'r' ? PyRepr.Repr(value) : PyRepr.Str(value)) : FromSpec(value, spec));
        }
        return sb.ToString();
    }

    private static string FromSpec(object? value, string spec)
    {
        var type = char.IsLetter(spec[^1]) ? spec[^1] : value is string ? 's' : value is double ? 'g' : 'd';
        var body = char.IsLetter(spec[^1]) ? spec[..^1] : spec;
        int? precision = null;
        var dot = body.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            precision = int.Parse(body.AsSpan(dot + 1), CultureInfo.InvariantCulture);
            body = body[..dot];
        }
        var flags = new string(body.TakeWhile(ch => "-+ #0".Contains(ch, StringComparison.Ordinal)).ToArray());
        var widthText = body[flags.Length..];
        int? width = widthText.Length > 0 ? int.Parse(widthText, CultureInfo.InvariantCulture) : null;
        return Spec(value, type, value is string && !flags.Contains('-', StringComparison.Ordinal) ? flags + "-" : flags, width, precision);
    }
}
