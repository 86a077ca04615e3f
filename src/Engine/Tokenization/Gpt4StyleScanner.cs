using System.Runtime.CompilerServices;

namespace Engine.Tokenization;

/// <summary>A hand-written matcher for the tiktoken-style split regex of Llama 3 and Qwen 2/3, recognised by its
/// exact pattern string. It gives the same leftmost, first-alternative-wins matches as Oniguruma, but by code
/// point (so it is also right for astral letters, where .NET's UTF-16 regex is not) and without backtracking.</summary>
/// <remarks>The pattern, alternative by alternative (<c>N</c> = 3 for Llama 3, 1 for Qwen):
/// <code>
/// (?i:'s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,N} | ' '?[^\s\p{L}\p{N}]+[\r\n]*
/// | \s*[\r\n]+ | \s+(?!\S) | \s+
/// </code></remarks>
internal sealed class Gpt4StyleScanner
{
    private const string Head = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|";
    private const string Tail = @"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private readonly int _maxDigits;

    private Gpt4StyleScanner(int maxDigits) => _maxDigits = maxDigits;

    public static Gpt4StyleScanner? TryCreate(string pattern) => pattern switch
    {
        Head + @"\p{N}{1,3}" + Tail => new Gpt4StyleScanner(3),
        Head + @"\p{N}" + Tail => new Gpt4StyleScanner(1),
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
            var end = i + w;
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
        var isSpace = UnicodeClass.IsWhiteSpace(c);
        // ' '?[^\s\p{L}\p{N}]+[\r\n]*
        var symbolStart = c == ' ' ? i + 1 : i;
        if (symbolStart < s.Length && IsSymbol(UnicodeClass.At(s, symbolStart, out _)))
        {
            var end = symbolStart;
            while (end < s.Length)
            {
                var d = UnicodeClass.At(s, end, out var dw);
                if (!IsSymbol(d))
                {
                    break;
                }
                end += dw;
            }
            while (end < s.Length && s[end] is '\r' or '\n')
            {
                end++;
            }
            return end;
        }
        if (!isSpace)
        {
            // Unreachable for valid input (every code point is a letter, number, space or symbol); advance safely.
            return i + w;
        }
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
