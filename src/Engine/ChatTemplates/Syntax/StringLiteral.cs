using System.Globalization;
using System.Text;

namespace Engine.ChatTemplates.Syntax;

/// <summary>
/// Decodes the body of a template string literal with Python's "unicode-escape" rules, as Jinja does:
/// <c>\n \t \\ \' \"</c>, <c>\xHH</c>, <c>\uHHHH</c>, <c>\UHHHHHHHH</c>, octal <c>\ooo</c>, a backslash-newline
/// vanishes, and an unknown escape such as <c>\d</c> stays as written.
/// </summary>
internal static class StringLiteral
{
    /// <summary>The decoded text, or null when a hex escape is truncated or out of range.</summary>
    public static string? Decode(string body)
    {
        if (!body.Contains('\\', StringComparison.Ordinal))
        {
            return body;
        }
        var sb = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\' || i + 1 >= body.Length)
            {
                sb.Append(body[i]);
                continue;
            }
            var c = body[++i];
            switch (c)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x' or 'u' or 'U':
                    i = AppendHex(sb, body, i, c == 'x' ? 2 : c == 'u' ? 4 : 8);
                    if (i < 0)
                    {
                        return null;
                    }
                    break;
                case >= '0' and <= '7':
                    var value = 0;
                    var n = 0;
                    for (; n < 3 && i + n < body.Length && body[i + n] is >= '0' and <= '7'; n++)
                    {
                        value = (value * 8) + (body[i + n] - '0');
                    }
                    sb.Append(char.ConvertFromUtf32(value));
                    i += n - 1;
                    break;
                default:
                    sb.Append('\\').Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    // The `digits` hex digits after position i; returns the index of the last one, or -1 when invalid.
    private static int AppendHex(StringBuilder sb, string body, int i, int digits)
    {
        if (i + digits >= body.Length
            || !int.TryParse(body.AsSpan(i + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code > 0x10FFFF)
        {
            return -1;
        }
        // A lone surrogate escape is kept as that UTF-16 unit, as Python keeps it as that code point.
        sb.Append(code is >= 0xD800 and <= 0xDFFF ? ((char)code).ToString() : char.ConvertFromUtf32(code));
        return i + digits;
    }
}
