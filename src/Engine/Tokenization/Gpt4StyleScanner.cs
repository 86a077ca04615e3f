using System.Runtime.CompilerServices;

namespace Engine.Tokenization;

/// <summary>A hand-written matcher for the tiktoken-style split regexes of Llama 3 / cl100k, Qwen 2/3 and o200k
/// (GPT-4o), recognised by their exact pattern strings. It gives the same leftmost, first-alternative-wins matches as Oniguruma, but by code
/// point (so it is also right for astral letters, where .NET's UTF-16 regex is not) and without backtracking.</summary>
/// <remarks>The pattern, alternative by alternative (<c>N</c> = 3 for Llama 3, 1 for Qwen):
/// <code>
/// (?i:'s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,N} | ' '?[^\s\p{L}\p{N}]+[\r\n]*
/// | \s*[\r\n]+ | \s+(?!\S) | \s+
/// </code>
/// o200k replaces the first two alternatives by case-aware words (<c>U</c> = <c>[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]</c>,
/// <c>L</c> = <c>[\p{Ll}\p{Lm}\p{Lo}\p{M}]</c>, <c>C</c> = the optional contraction) and lets <c>/</c> trail a
/// symbol run:
/// <code>
/// [^\r\n\p{L}\p{N}]?U*L+C? | [^\r\n\p{L}\p{N}]?U+L*C? | \p{N}{1,3} | ' '?[^\s\p{L}\p{N}]+[\r\n/]* | (whitespace as above)
/// </code></remarks>
internal sealed class Gpt4StyleScanner
{
    private const string O200k = @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const string Head = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|";
    private const string Tail = @"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private readonly int _maxDigits;
    private readonly bool _caseAware;

    private Gpt4StyleScanner(int maxDigits, bool caseAware = false)
    {
        _maxDigits = maxDigits;
        _caseAware = caseAware;
    }

    public static Gpt4StyleScanner? TryCreate(string pattern) => pattern switch
    {
        Head + @"\p{N}{1,3}" + Tail => new Gpt4StyleScanner(3),
        Head + @"\p{N}" + Tail => new Gpt4StyleScanner(1),
        O200k => new Gpt4StyleScanner(3, caseAware: true),
        _ => null,
    };

    /// <summary>Appends the matches tiling <paramref name="s"/> (every position starts a match of this pattern).</summary>
    public void FindMatches(ReadOnlySpan<char> s, List<SplitMatch> output)
    {
        var i = 0;
        while (i < s.Length)
        {
            var end = MatchAt(s, i);
            output.Add(new SplitMatch(i, end, true));
            i = end;
        }
    }

    /// <summary>The end of the match starting at <paramref name="i"/>, trying the alternatives in order.</summary>
    public int MatchAt(ReadOnlySpan<char> s, int i)
    {
        if (_caseAware)
        {
            return MatchCaseAware(s, i);
        }
        var c = UnicodeClass.At(s, i, out var w);
        if (c == '\'' && Contraction(s, i + 1) is var contraction and > 0)
        {
            return i + 1 + contraction;
        }
        var isLetter = UnicodeClass.IsLetter(c);
        var isNumber = !isLetter && UnicodeClass.IsNumber(c);
        if (isLetter)
        {
            return LetterRun(s, i + w);
        }
        if (!isNumber && c != '\r' && c != '\n' && i + w < s.Length && UnicodeClass.IsLetter(UnicodeClass.At(s, i + w, out _)))
        {
            return LetterRun(s, i + w);
        }
        if (isNumber)
        {
            return NumberRun(s, i + w);
        }
        var isSpace = UnicodeClass.IsWhiteSpace(c);
        // ' '?[^\s\p{L}\p{N}]+[\r\n]*
        if (SymbolRun(s, c == ' ' ? i + 1 : i, trailingSlash: false) is var symbols and > 0)
        {
            return symbols;
        }
        if (!isSpace)
        {
            // Unreachable for valid input (every code point is a letter, number, space or symbol); advance safely.
            return i + w;
        }
        return WhitespaceRun(s, i, c);
    }

    /// <summary>o200k's alternatives at <paramref name="i"/>, in order.</summary>
    private int MatchCaseAware(ReadOnlySpan<char> s, int i)
    {
        var c = UnicodeClass.At(s, i, out var w);
        // The optional leading [^\r\n\p{L}\p{N}] is tried first with, then without, in each word alternative.
        var prefix = c != '\r' && c != '\n' && !UnicodeClass.IsLetter(c) && !UnicodeClass.IsNumber(c) && i + w < s.Length;
        int end;
        if ((prefix && (end = LowerWord(s, i + w)) > 0) || (end = LowerWord(s, i)) > 0
            || (prefix && (end = UpperWord(s, i + w)) > 0) || (end = UpperWord(s, i)) > 0)
        {
            return end;
        }
        if (UnicodeClass.IsNumber(c))
        {
            return NumberRun(s, i + w);
        }
        // ' '?[^\s\p{L}\p{N}]+[\r\n/]*
        if (SymbolRun(s, c == ' ' ? i + 1 : i, trailingSlash: true) is var symbols and > 0)
        {
            return symbols;
        }
        return UnicodeClass.IsWhiteSpace(c) ? WhitespaceRun(s, i, c) : i + w;
    }

    /// <summary>The end of <c>\p{N}{1,maxDigits}</c> whose first digit ends at <paramref name="end"/>.</summary>
    private int NumberRun(ReadOnlySpan<char> s, int end)
    {
        for (var n = 1; n < _maxDigits && end < s.Length; n++)
        {
            var d = UnicodeClass.At(s, end, out var dw);
            if (!UnicodeClass.IsNumber(d))
            {
                break;
            }
            end += dw;
        }
        return end;
    }

    /// <summary>The end of <c>[^\s\p{L}\p{N}]+[\r\n]*</c> (with <c>/</c> in the tail for o200k) from
    /// <paramref name="start"/>, or 0 when no symbol is there.</summary>
    private static int SymbolRun(ReadOnlySpan<char> s, int start, bool trailingSlash)
    {
        if (start >= s.Length || !IsSymbol(UnicodeClass.At(s, start, out _)))
        {
            return 0;
        }
        var end = start;
        while (end < s.Length)
        {
            var d = UnicodeClass.At(s, end, out var dw);
            if (!IsSymbol(d))
            {
                break;
            }
            end += dw;
        }
        while (end < s.Length && (s[end] is '\r' or '\n' || (trailingSlash && s[end] == '/')))
        {
            end++;
        }
        return end;
    }

    /// <summary><c>U*L+C?</c> from <paramref name="j"/>: the end, or -1. U* takes the longest run and backtracks, so
    /// without an L after the run the match ends after the run's last character that is also in L.</summary>
    private static int LowerWord(ReadOnlySpan<char> s, int j)
    {
        var a = j;
        var lastLower = -1;
        while (a < s.Length)
        {
            var d = UnicodeClass.At(s, a, out var dw);
            if (!IsUpperish(d))
            {
                break;
            }
            a += dw;
            if (IsLowerish(d))
            {
                lastLower = a;
            }
        }
        var b = a;
        while (b < s.Length)
        {
            var d = UnicodeClass.At(s, b, out var dw);
            if (!IsLowerish(d))
            {
                break;
            }
            b += dw;
        }
        var end = b > a ? b : lastLower;
        return end < 0 ? -1 : end + OptionalContraction(s, end);
    }

    /// <summary><c>U+L*C?</c> from <paramref name="j"/>: the end, or -1.</summary>
    private static int UpperWord(ReadOnlySpan<char> s, int j)
    {
        var a = j;
        while (a < s.Length)
        {
            var d = UnicodeClass.At(s, a, out var dw);
            if (!IsUpperish(d))
            {
                break;
            }
            a += dw;
        }
        if (a == j)
        {
            return -1;
        }
        while (a < s.Length)
        {
            var d = UnicodeClass.At(s, a, out var dw);
            if (!IsLowerish(d))
            {
                break;
            }
            a += dw;
        }
        return a + OptionalContraction(s, a);
    }

    private static int OptionalContraction(ReadOnlySpan<char> s, int at) =>
        at < s.Length && s[at] == '\'' && Contraction(s, at + 1) is var n and > 0 ? 1 + n : 0;

    /// <summary>[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsUpperish(int c)
    {
        if (c < 0x80)
        {
            return (uint)(c - 'A') <= 'Z' - 'A';
        }
        return System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.UppercaseLetter
            or System.Globalization.UnicodeCategory.TitlecaseLetter or System.Globalization.UnicodeCategory.ModifierLetter
            or System.Globalization.UnicodeCategory.OtherLetter or System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.EnclosingMark;
    }

    /// <summary>[\p{Ll}\p{Lm}\p{Lo}\p{M}]</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsLowerish(int c)
    {
        if (c < 0x80)
        {
            return (uint)(c - 'a') <= 'z' - 'a';
        }
        return System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.LowercaseLetter
            or System.Globalization.UnicodeCategory.ModifierLetter
            or System.Globalization.UnicodeCategory.OtherLetter or System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.EnclosingMark;
    }

    /// <summary>The whitespace alternatives <c>\s*[\r\n]+ | \s+(?!\S) | \s+</c> at a whitespace code point.</summary>
    private static int WhitespaceRun(ReadOnlySpan<char> s, int i, int c)
    {
        // Whitespace run [i, j); every White_Space code point is one UTF-16 unit.
        var j = i + 1;
        var lastNewline = c is '\r' or '\n' ? i : -1;
        while (j < s.Length && UnicodeClass.IsWhiteSpace(s[j]))
        {
            if (s[j] is '\r' or '\n')
            {
                lastNewline = j;
            }
            j++;
        }
        if (lastNewline >= 0)
        {
            return lastNewline + 1;             // \s*[\r\n]+
        }
        if (j == s.Length || j - 1 == i)
        {
            return j;                           // \s+(?!\S) at the end, or \s+ for a single space before \S
        }
        return j - 1;                           // \s+(?!\S): leave one space to prefix the next word
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSymbol(int c) => !UnicodeClass.IsWhiteSpace(c) && !UnicodeClass.IsLetter(c) && !UnicodeClass.IsNumber(c);

    private static int LetterRun(ReadOnlySpan<char> s, int end)
    {
        while (end < s.Length)
        {
            var d = UnicodeClass.At(s, end, out var dw);
            if (!UnicodeClass.IsLetter(d))
            {
                break;
            }
            end += dw;
        }
        return end;
    }

    /// <summary>Length after the apostrophe of <c>(?i:s|t|re|ve|m|ll|d)</c> at <paramref name="i"/>, or 0.
    /// Oniguruma folds case by Unicode rules, so U+017F (long s) matches <c>s</c>.</summary>
    private static int Contraction(ReadOnlySpan<char> s, int i)
    {
        if (i >= s.Length)
        {
            return 0;
        }
        var a = s[i] == '\u017F' ? 's' : (char)(s[i] | 0x20);
        var b = i + 1 < s.Length ? (char)(s[i + 1] | 0x20) : '\0';
        var bIsAscii = i + 1 < s.Length && s[i + 1] < 0x80;
        return a switch
        {
            's' or 't' or 'm' or 'd' when s[i] < 0x80 || s[i] == '\u017F' => 1,
            'r' or 'v' when s[i] < 0x80 && bIsAscii && b == 'e' => 2,
            'l' when s[i] < 0x80 && bIsAscii && b == 'l' => 2,
            _ => 0,
        };
    }
}
