using System.Globalization;
using System.Text;

namespace Engine.Guided;

/// <summary>Spells literals and character sets as GBNF text, so every front-end emits the one dialect <see cref="GbnfParser"/> reads.</summary>
internal static class GbnfText
{
    /// <summary><c>"..."</c> matching exactly <paramref name="text"/>; the empty string is <c>""</c>.</summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
        {
            AppendChar(sb, rune.Value);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A <c>[...]</c> class of exactly <paramref name="set"/>; an empty set is spelled as a class that matches nothing.</summary>
    public static string Class(CharSet set)
    {
        if (set.IsEmpty)
        {
            return "[^\\U00000000-\\U0010FFFF]";
        }
        var sb = new StringBuilder("[");
        foreach (var (lo, hi) in set.Ranges())
        {
            AppendChar(sb, lo);
            if (hi != lo)
            {
                sb.Append('-');
                AppendChar(sb, hi);
            }
        }
        return sb.Append(']').ToString();
    }

    private static void AppendChar(StringBuilder sb, int cp)
    {
        if (cp < 0x80 && (char.IsAsciiLetterOrDigit((char)cp) || cp is ' ' or '_' or ',' or ':' or '{' or '}' or '!' or '@' or '#' or '=' or '<' or '>' or ';' or '&' or '%' or '~' or '`'))
        {
            sb.Append((char)cp);
        }
        else if (cp < 0x100)
        {
            sb.Append("\\x").Append(cp.ToString("X2", CultureInfo.InvariantCulture));
        }
        else if (cp < 0x10000)
        {
            sb.Append("\\u").Append(cp.ToString("X4", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append("\\U").Append(cp.ToString("X8", CultureInfo.InvariantCulture));
        }
    }
}
