using System.Globalization;
using System.Text;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Python <c>str</c> semantics on .NET strings: whitespace as <c>str.isspace</c> defines it, strip/split/title,
/// and code-point (not UTF-16) lengths and indices, since Python strings are sequences of code points.
/// </summary>
internal static class PyText
{
    /// <summary>Python's str.isspace for one UTF-16 unit: .NET white space plus the separators U+001C..U+001F.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    public static bool AllSpace(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!IsSpace(c))
            {
                return false;
            }
        }
        return true;
    }

    public static string Strip(string s, string? chars = null) => LStrip(RStrip(s, chars), chars);

    public static string LStrip(string s, string? chars = null)
    {
        var i = 0;
        while (i < s.Length && Strippable(s[i], chars))
        {
            i++;
        }
        return s[i..];
    }

    public static string RStrip(string s, string? chars = null)
    {
        var i = s.Length;
        while (i > 0 && Strippable(s[i - 1], chars))
        {
            i--;
        }
        return s[..i];
    }

    private static bool Strippable(char c, string? chars) => chars is null ? IsSpace(c) : chars.Contains(c, StringComparison.Ordinal);

    /// <summary>str.split(sep, maxsplit): with sep None, runs of whitespace separate and empty pieces are dropped.</summary>
    public static List<object?> Split(string s, string? sep, long maxSplit)
    {
        var parts = new List<object?>();
        if (sep is null)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i]))
                {
                    i++;
                }
                if (i >= s.Length)
                {
                    break;
                }
                if (maxSplit >= 0 && parts.Count >= maxSplit)
                {
                    parts.Add(RStrip(s[i..]));
                    break;
                }
                var start = i;
                while (i < s.Length && !IsSpace(s[i]))
                {
                    i++;
                }
                parts.Add(s[start..i]);
            }
            return parts;
        }
        if (sep.Length == 0)
        {
            throw new ChatTemplateException("ValueError: empty separator");
        }
        var from = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var at = s.IndexOf(sep, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }
            parts.Add(s[from..at]);
            from = at + sep.Length;
        }
        parts.Add(s[from..]);
        return parts;
    }

    /// <summary>str.rsplit(sep, maxsplit).</summary>
    public static List<object?> RSplit(string s, string? sep, long maxSplit)
    {
        if (maxSplit < 0)
        {
            return Split(s, sep, maxSplit);
        }
        var reversed = Split(Reverse(s), sep is null ? null : Reverse(sep), maxSplit);
        reversed.Reverse();
        for (var i = 0; i < reversed.Count; i++)
        {
            reversed[i] = Reverse((string)reversed[i]!);
        }
        return reversed;
    }

    /// <summary>str.splitlines() without keepends: the line boundaries Python recognises.</summary>
    public static List<string> SplitLines(string s)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                lines.Add(s[start..i]);
                if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
                {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < s.Length)
        {
            lines.Add(s[start..]);
        }
        return lines;
    }

    /// <summary>str.title(): a letter is upper-cased when the previous character is not cased, else lower-cased.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            sb.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsUpper(c) || char.IsLower(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;
        }
        return sb.ToString();
    }

    /// <summary>str.capitalize(): first character upper-cased, the rest lower-cased.</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    public static string Reverse(string s)
    {
        var runes = Runes(s);
        runes.Reverse();
        return FromRunes(runes);
    }

    public static bool HasSurrogates(string s)
    {
        foreach (var c in s)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>len(s) in code points.</summary>
    public static int Length(string s) => HasSurrogates(s) ? Runes(s).Count : s.Length;

    public static List<string> Runes(string s)
    {
        var list = new List<string>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var width = char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
            list.Add(s.Substring(i, width));
            i += width - 1;
        }
        return list;
    }

    public static string FromRunes(IEnumerable<string> runes) => string.Concat(runes);
}
