using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Engine.Tokenization;

/// <summary>What a Split pre-tokenizer or Replace normalizer/decoder matches: a literal string, a regex (the
/// hand-written <see cref="Gpt4StyleScanner"/> when the pattern is the Llama 3 / Qwen one, .NET Regex otherwise) or
/// a single-code-point predicate. <see cref="FindMatches"/> tiles the input with matched and unmatched spans, like
/// HF's <c>Pattern::find_matches</c>.</summary>
internal sealed class SplitPattern
{
    // Oniguruma matches by code point while .NET's Regex sees UTF-16 units, so \p{L} never matches an astral letter.
    // The fallback therefore runs on a "shadow" string in which each astral code point is replaced by one BMP
    // character of the same general category, and maps the match offsets back.
    private static readonly char[] CategoryStandIn = BuildStandIns();

    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly Gpt4StyleScanner? _scanner;
    private readonly Func<int, bool>? _predicate;

    private SplitPattern(string? literal, Regex? regex, Gpt4StyleScanner? scanner, Func<int, bool>? predicate)
    {
        _literal = literal;
        _regex = regex;
        _scanner = scanner;
        _predicate = predicate;
    }

    /// <summary>The hand-written scanner behind this regex, if it is one of the recognised patterns.</summary>
    public Gpt4StyleScanner? Scanner => _scanner;

    public static SplitPattern Literal(string literal) => new(literal, null, null, null);

    public static SplitPattern CodePoint(Func<int, bool> predicate) => new(null, null, null, predicate);

    /// <param name="pattern">An Oniguruma pattern.</param>
    /// <param name="where">The component, for the error message when .NET cannot compile it.</param>
    /// <param name="useScanner">False forces the .NET Regex path (tests compare the two).</param>
    public static SplitPattern FromRegex(string pattern, string where, bool useScanner = true)
    {
        if (useScanner && Gpt4StyleScanner.TryCreate(pattern) is { } scanner)
        {
            return new SplitPattern(null, null, scanner, null);
        }
        try
        {
            return new SplitPattern(null, new Regex(pattern, RegexOptions.CultureInvariant), null, null);
        }
        catch (ArgumentException e)
        {
            throw new Loader.Tokenizers.TokenizerFormatException($"{where}: regex '{pattern}' is not supported ({e.Message}).", e);
        }
    }

    /// <summary>Appends spans tiling <paramref name="s"/>: matches (non-empty ones, and empty ones as HF keeps them)
    /// and the unmatched gaps between them.</summary>
    public void FindMatches(string s, List<SplitMatch> output)
    {
        if (s.Length == 0)
        {
            output.Add(new SplitMatch(0, 0, false));
            return;
        }
        if (_scanner is not null)
        {
            _scanner.FindMatches(s, output);
            return;
        }
        var previous = 0;
        if (_predicate is not null)
        {
            for (var i = 0; i < s.Length;)
            {
                var c = UnicodeClass.At(s, i, out var w);
                if (_predicate(c))
                {
                    if (previous < i)
                    {
                        output.Add(new SplitMatch(previous, i, false));
                    }
                    output.Add(new SplitMatch(i, i + w, true));
                    previous = i + w;
                }
                i += w;
            }
        }
        else if (_literal is not null)
        {
            if (_literal.Length > 0)
            {
                for (var at = s.IndexOf(_literal, StringComparison.Ordinal); at >= 0;
                     at = s.IndexOf(_literal, previous, StringComparison.Ordinal))
                {
                    if (previous < at)
                    {
                        output.Add(new SplitMatch(previous, at, false));
                    }
                    output.Add(new SplitMatch(at, at + _literal.Length, true));
                    previous = at + _literal.Length;
                }
            }
        }
        else
        {
            previous = RegexMatches(s, output);
        }
        if (previous < s.Length)
        {
            output.Add(new SplitMatch(previous, s.Length, false));
        }
    }

    private int RegexMatches(string s, List<SplitMatch> output)
    {
        var (shadow, offsets) = Shadow(s);
        var previous = 0;
        for (var m = _regex!.Match(shadow); m.Success; m = m.NextMatch())
        {
            var start = offsets is null ? m.Index : offsets[m.Index];
            var end = offsets is null ? m.Index + m.Length : offsets[m.Index + m.Length];
            if (previous < start)
            {
                output.Add(new SplitMatch(previous, start, false));
            }
            output.Add(new SplitMatch(start, end, true));
            previous = end;
        }
        return previous;
    }

    /// <summary>Replaces every match by <paramref name="content"/> (literally, no group references).</summary>
    public string Replace(string s, string content)
    {
        if (_literal is not null)
        {
            return _literal.Length == 0 ? s : s.Replace(_literal, content, StringComparison.Ordinal);
        }
        var spans = new List<SplitMatch>();
        FindMatches(s, spans);
        var builder = new StringBuilder(s.Length);
        foreach (var span in spans)
        {
            builder.Append(span.IsMatch ? content.AsSpan() : s.AsSpan(span.Start, span.End - span.Start));
        }
        return builder.ToString();
    }

    /// <summary>The shadow string and, when it differs from <paramref name="s"/>, the map from each shadow index
    /// (and the end) to the original index.</summary>
    private static (string, int[]?) Shadow(string s)
    {
        if (s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return (s, null);
        }
        var shadow = new StringBuilder(s.Length);
        var offsets = new List<int>(s.Length + 1);
        for (var i = 0; i < s.Length;)
        {
            var c = UnicodeClass.At(s, i, out var w);
            offsets.Add(i);
            shadow.Append(w == 1 ? s[i] : CategoryStandIn[(int)CharUnicodeInfo.GetUnicodeCategory(c)]);
            i += w;
        }
        offsets.Add(s.Length);
        return (shadow.ToString(), [.. offsets]);
    }

    private static char[] BuildStandIns()
    {
        // One BMP code point per UnicodeCategory value, chosen to be unlikely as a literal in a split pattern.
        var standIns = new char[30];
        for (var c = 0x80; c < 0xD800; c++)
        {
            var category = (int)CharUnicodeInfo.GetUnicodeCategory(c);
            if (standIns[category] == 0 && !UnicodeClass.IsWhiteSpace(c))
            {
                standIns[category] = (char)c;
            }
        }
        standIns[(int)UnicodeCategory.PrivateUse] = '\uE000';
        standIns[(int)UnicodeCategory.Surrogate] = '\uFFFD';
        for (var i = 0; i < standIns.Length; i++)
        {
            standIns[i] = standIns[i] == 0 ? '\uFFFD' : standIns[i];
        }
        return standIns;
    }
}
