using System.Globalization;
using System.Runtime.CompilerServices;

namespace Engine.Tokenization;

/// <summary>Character classes as Oniguruma and Rust see them: by code point (so astral letters are letters), with
/// <c>\s</c> = the Unicode White_Space property.</summary>
internal static class UnicodeClass
{
    /// <summary>Unicode White_Space (Oniguruma's and Rust's <c>\s</c>, Rust's <c>char::is_whitespace</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWhiteSpace(int c) => c switch
    {
        >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsLetter(int c)
    {
        if (c < 0x80)
        {
            return (uint)((c | 0x20) - 'a') <= 'z' - 'a';
        }
        return CharUnicodeInfo.GetUnicodeCategory(c) <= UnicodeCategory.OtherLetter;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNumber(int c)
    {
        if (c < 0x80)
        {
            return (uint)(c - '0') <= 9;
        }
        return CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
    }

    /// <summary>Unicode P* categories (Rust's <c>is_ascii_punctuation || is_punctuation</c>; ASCII symbols such as
    /// <c>$+&lt;=&gt;^`|~</c> count as punctuation there).</summary>
    public static bool IsPunctuation(int c)
    {
        if (c < 0x80)
        {
            return c is >= 0x21 and <= 0x2F or >= 0x3A and <= 0x40 or >= 0x5B and <= 0x60 or >= 0x7B and <= 0x7E;
        }
        return CharUnicodeInfo.GetUnicodeCategory(c) is >= UnicodeCategory.ConnectorPunctuation and <= UnicodeCategory.OtherPunctuation;
    }

    /// <summary>Rust regex's Unicode <c>\w</c>, approximated by letters, marks, decimal digits, letter numbers and
    /// connector punctuation.</summary>
    public static bool IsWordChar(int c)
    {
        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        return category is <= UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.LetterNumber or UnicodeCategory.ConnectorPunctuation;
    }

    /// <summary>The code point at <paramref name="i"/> and its UTF-16 length (a lone surrogate counts as itself).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int At(ReadOnlySpan<char> s, int i, out int width)
    {
        var c = s[i];
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, s[i + 1]);
        }
        width = 1;
        return c;
    }

    /// <summary>The code point ending just before <paramref name="end"/>.</summary>
    public static int Before(ReadOnlySpan<char> s, int end, out int width)
    {
        if (end >= 2 && char.IsLowSurrogate(s[end - 1]) && char.IsHighSurrogate(s[end - 2]))
        {
            width = 2;
            return char.ConvertToUtf32(s[end - 2], s[end - 1]);
        }
        width = 1;
        return s[end - 1];
    }
}
