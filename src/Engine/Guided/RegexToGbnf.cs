using System.Globalization;
using System.Text;

namespace Engine.Guided;

/// <summary>
/// Translates the regex subset used for guided decoding into a GBNF expression with the same language (the
/// whole output must match, as vLLM and outlines do): literals and escapes, classes with ranges, negation and
/// <c>\d \w \s</c> (ASCII meanings, their negations), <c>.</c> (anything but <c>\n</c>), groups (capturing,
/// <c>(?:…)</c>, named), <c>|</c>, <c>* + ? {m} {m,} {m,n}</c> (lazy forms are the same language), and
/// <c>^</c>/<c>$</c> at the very ends. Anything else (backreferences, lookaround, word boundaries, inline flags,
/// anchors in the middle, possessive quantifiers) is a <see cref="GrammarException"/> naming the construct.
/// </summary>
internal sealed class RegexToGbnf
{
    private static readonly CharSet Digit = CharSet.From([('0', '9')]);
    private static readonly CharSet Word = CharSet.From([('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')]);
    private static readonly CharSet Space = CharSet.From([(' ', ' '), ('\t', '\r')]);
    private static readonly CharSet AnyButNewline = CharSet.From([('\n', '\n')], negated: true);

    /// <summary>
    /// Deepest nesting of groups accepted: the parser recurses once per level, so an unbounded <c>((((a))))</c> from a
    /// client would overflow the stack and take the process down. Each group becomes at most three GBNF parentheses
    /// (its own, an alternation's and a quantifier's), which keeps the translation within <see cref="GbnfParser.MaxNesting"/>.
    /// </summary>
    public const int MaxNesting = GbnfParser.MaxNesting / 3 - 1;

    private readonly string _p;
    private readonly CharSet? _allowed;
    private int _pos;
    private int _depth;

    private RegexToGbnf(string pattern, CharSet? allowed)
    {
        _p = pattern;
        _allowed = allowed;
    }

    /// <summary>
    /// The GBNF expression matching exactly the strings <paramref name="pattern"/> fully matches; when
    /// <paramref name="allowed"/> is given, every character class is intersected with it (JSON string content).
    /// </summary>
    public static string Translate(string pattern, CharSet? allowed = null)
    {
        var t = new RegexToGbnf(pattern, allowed);
        var (text, _) = t.ParseAlternation(topLevel: true);
        if (t._pos < pattern.Length)
        {
            throw t.Error(t._pos, "unmatched ')'");
        }
        return text;
    }

    private (string Text, bool Nullable) ParseAlternation(bool topLevel)
    {
        var parts = new List<string>();
        var nullable = false;
        while (true)
        {
            var (text, n) = ParseConcatenation(topLevel);
            parts.Add(text);
            nullable |= n;
            if (_pos < _p.Length && _p[_pos] == '|')
            {
                _pos++;
                continue;
            }
            break;
        }
        return (parts.Count == 1 ? parts[0] : "(" + string.Join(" | ", parts) + ")", nullable);
    }

    private (string Text, bool Nullable) ParseConcatenation(bool topLevel)
    {
        var items = new List<string>();
        var nullable = true;
        var first = true;
        while (_pos < _p.Length && _p[_pos] is not ('|' or ')'))
        {
            var c = _p[_pos];
            if (c == '^')
            {
                if (!(topLevel && first))
                {
                    throw Error(_pos, "the anchor '^' is only supported at the start of the pattern");
                }
                _pos++;
                continue;
            }
            if (c == '$')
            {
                _pos++;
                if (!(topLevel && (_pos == _p.Length || _p[_pos] == '|')))
                {
                    throw Error(_pos - 1, "the anchor '$' is only supported at the end of the pattern");
                }
                continue;
            }
            first = false;
            var atomStart = _pos;
            var (atom, n) = ParseAtom();
            (atom, n) = ParseQuantifiers(atom, n, atomStart);
            items.Add(atom);
            nullable &= n;
        }
        return (items.Count == 0 ? "\"\"" : string.Join(" ", items), nullable);
    }

    private (string Text, bool Nullable) ParseQuantifiers(string atom, bool nullable, int atomStart)
    {
        while (_pos < _p.Length)
        {
            var start = _pos;
            string q;
            var unbounded = false;
            var zeroMin = false;
            switch (_p[_pos])
            {
                case '*':
                    (q, unbounded, zeroMin) = ("*", true, true);
                    _pos++;
                    break;
                case '+':
                    (q, unbounded) = ("+", true);
                    _pos++;
                    break;
                case '?':
                    (q, zeroMin) = ("?", true);
                    _pos++;
                    break;
                case '{' when TryBraces(out var min, out var max):
                    q = max < 0 ? $"{{{min},}}" : max == min ? $"{{{min}}}" : $"{{{min},{max}}}";
                    unbounded = max < 0;
                    zeroMin = min == 0;
                    break;
                default:
                    return (atom, nullable);
            }
            if (_pos < _p.Length && _p[_pos] == '?')
            {
                _pos++; // lazy: same language
            }
            else if (_pos < _p.Length && _p[_pos] == '+')
            {
                throw Error(_pos, "possessive quantifiers are not supported");
            }
            if (unbounded && nullable)
            {
                throw Error(start, $"an unbounded quantifier on '{_p[atomStart..start]}', which can match the empty string, is not supported");
            }
            atom = "(" + atom + ")" + q;
            nullable |= zeroMin;
        }
        return (atom, nullable);
    }

    // {m}, {m,}, {m,n}; a '{' that does not start a valid count is a literal, as in Python's re
    private bool TryBraces(out int min, out int max)
    {
        min = max = 0;
        var p = _pos + 1;
        var a = p;
        while (p < _p.Length && char.IsAsciiDigit(_p[p]))
        {
            p++;
        }
        if (p == a || !int.TryParse(_p.AsSpan(a, p - a), NumberStyles.None, CultureInfo.InvariantCulture, out min))
        {
            return false;
        }
        max = min;
        if (p < _p.Length && _p[p] == ',')
        {
            var b = ++p;
            while (p < _p.Length && char.IsAsciiDigit(_p[p]))
            {
                p++;
            }
            max = p == b ? -1 : int.Parse(_p.AsSpan(b, p - b), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        if (p >= _p.Length || _p[p] != '}')
        {
            return false;
        }
        if (max >= 0 && max < min)
        {
            throw Error(_pos, $"quantifier {{{min},{max}}} has max below min");
        }
        if (Math.Max(min, max) > GbnfParser.MaxRepeat)
        {
            throw Error(_pos, $"quantifier count above {GbnfParser.MaxRepeat}");
        }
        _pos = p + 1;
        return true;
    }

    private (string Text, bool Nullable) ParseAtom()
    {
        var start = _pos;
        var c = _p[_pos];
        switch (c)
        {
            case '(':
            {
                if (++_depth > MaxNesting)
                {
                    throw Error(start, $"groups nested deeper than {MaxNesting} levels");
                }
                _pos++;
                if (_pos < _p.Length && _p[_pos] == '?')
                {
                    ParseGroupPrefix(start);
                }
                var inner = ParseAlternation(topLevel: false);
                _depth--;
                if (_pos >= _p.Length || _p[_pos] != ')')
                {
                    throw Error(start, "unclosed '('");
                }
                _pos++;
                return ("(" + inner.Text + ")", inner.Nullable);
            }
            case '[':
                return (Chars(ParseClass(), start), false);
            case '.':
                _pos++;
                return (Chars(AnyButNewline, start), false);
            case '*' or '+' or '?':
                throw Error(start, $"quantifier '{c}' has nothing to repeat");
            case '\\':
            {
                var set = ParseEscape(inClass: false);
                return (Chars(set, start), false);
            }
            default:
            {
                var rune = RuneAt(_pos);
                _pos += rune.Utf16SequenceLength;
                return (Chars(CharSet.Single(rune.Value), start), false);
            }
        }
    }

    private void ParseGroupPrefix(int start)
    {
        _pos++; // '?'
        if (_pos < _p.Length && _p[_pos] == ':')
        {
            _pos++;
            return;
        }
        if (_p.AsSpan(_pos).StartsWith("P<") || (_p.AsSpan(_pos).StartsWith("<") && !_p.AsSpan(_pos).StartsWith("<=") && !_p.AsSpan(_pos).StartsWith("<!")))
        {
            var close = _p.IndexOf('>', _pos);
            if (close < 0)
            {
                throw Error(start, "unterminated group name");
            }
            _pos = close + 1;
            return;
        }
        var what = _pos < _p.Length ? _p[_pos] switch
        {
            '=' => "lookahead '(?='",
            '!' => "negative lookahead '(?!'",
            '<' => "lookbehind '(?<'",
            '>' => "atomic group '(?>'",
            'P' => "named backreference '(?P='",
            '#' => "comment group '(?#'",
            _ => $"inline flags or group syntax '(?{_p[_pos]}'",
        } : "'(?'";
        throw Error(start, $"{what} is not supported");
    }

    private string Chars(CharSet set, int at)
    {
        if (_allowed is not null)
        {
            var kept = Intersect(set, _allowed);
            if (kept.IsEmpty)
            {
                throw Error(at, "it matches only characters a JSON string cannot hold unescaped (quote, backslash, control characters)");
            }
            set = kept;
        }
        return set.RangeCount == 1 && set.Range(0).Lo == set.Range(0).Hi ? GbnfText.Literal(char.ConvertFromUtf32(set.Range(0).Lo)) : GbnfText.Class(set);
    }

    private static CharSet Intersect(CharSet a, CharSet b) => a.Except(CharSet.From(b.Ranges(), negated: true));

    private CharSet ParseClass()
    {
        var start = _pos++;
        var negated = _pos < _p.Length && _p[_pos] == '^';
        if (negated)
        {
            _pos++;
        }
        var ranges = new List<(int, int)>();
        var firstItem = true;
        while (true)
        {
            if (_pos >= _p.Length)
            {
                throw Error(start, "unterminated character class");
            }
            if (_p[_pos] == ']' && !firstItem)
            {
                _pos++;
                return CharSet.From(ranges, negated);
            }
            firstItem = false;
            if (_p.AsSpan(_pos).StartsWith("[:"))
            {
                throw Error(_pos, "POSIX classes like [:alpha:] are not supported");
            }
            var itemStart = _pos;
            var lo = ParseClassItem(out var multi);
            if (multi is not null)
            {
                ranges.AddRange(multi.Ranges());
                continue;
            }
            if (_pos + 1 < _p.Length && _p[_pos] == '-' && _p[_pos + 1] != ']')
            {
                _pos++;
                var hi = ParseClassItem(out var multiHi);
                if (multiHi is not null)
                {
                    throw Error(itemStart, "a class escape like \\d cannot end a range");
                }
                if (hi < lo)
                {
                    throw Error(itemStart, "reversed range in character class");
                }
                ranges.Add((lo, hi));
            }
            else
            {
                ranges.Add((lo, lo));
            }
        }
    }

    private int ParseClassItem(out CharSet? multi)
    {
        multi = null;
        if (_p[_pos] == '\\')
        {
            var set = ParseEscape(inClass: true);
            if (set.RangeCount == 1 && set.Range(0).Lo == set.Range(0).Hi)
            {
                return set.Range(0).Lo;
            }
            multi = set;
            return -1;
        }
        var rune = RuneAt(_pos);
        _pos += rune.Utf16SequenceLength;
        return rune.Value;
    }

    private CharSet ParseEscape(bool inClass)
    {
        var start = _pos++;
        if (_pos >= _p.Length)
        {
            throw Error(start, "dangling '\\' at the end of the pattern");
        }
        var e = _p[_pos++];
        switch (e)
        {
            case 'd': return Digit;
            case 'D': return CharSet.From(Digit.Ranges(), negated: true);
            case 'w': return Word;
            case 'W': return CharSet.From(Word.Ranges(), negated: true);
            case 's': return Space;
            case 'S': return CharSet.From(Space.Ranges(), negated: true);
            case 'n': return CharSet.Single('\n');
            case 'r': return CharSet.Single('\r');
            case 't': return CharSet.Single('\t');
            case 'f': return CharSet.Single('\f');
            case 'v': return CharSet.Single('\v');
            case '0': return CharSet.Single(0);
            case 'x': return CharSet.Single(Hex(start, 2));
            case 'u': return CharSet.Single(Hex(start, 4));
            case 'b' when inClass: return CharSet.Single('\b');
            case 'b' or 'B': throw Error(start, $"the word boundary '\\{e}' is not supported");
            case 'A' or 'Z' or 'z' or 'G': throw Error(start, $"the anchor '\\{e}' is not supported (the whole output is matched anyway)");
            case 'p' or 'P': throw Error(start, $"Unicode property classes '\\{e}{{…}}' are not supported");
            case 'k': throw Error(start, "named backreferences '\\k' are not supported");
            default:
                if (char.IsAsciiDigit(e))
                {
                    throw Error(start, $"the backreference '\\{e}' is not supported");
                }
                if (char.IsAsciiLetterOrDigit(e))
                {
                    throw Error(start, $"unknown escape '\\{e}'");
                }
                return CharSet.Single(e);
        }
    }

    private int Hex(int start, int digits)
    {
        if (_pos + digits > _p.Length || !int.TryParse(_p.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
        {
            throw Error(start, $"expected {digits} hex digits after '{_p[start..(start + 2)]}'");
        }
        if (v is >= 0xD800 and <= 0xDFFF)
        {
            // a surrogate code point has no UTF-8 form, so no output could ever match it
            throw Error(start, $"'\\u{v:X4}' is a UTF-16 surrogate, not a character");
        }
        _pos += digits;
        return v;
    }

    private Rune RuneAt(int at) =>
        Rune.TryGetRuneAt(_p, at, out var rune) ? rune : throw Error(at, "a lone UTF-16 surrogate is not a character");

    // the pattern is quoted only up to a length: a client's 40,000-character pattern must not become the error body
    private GrammarException Error(int at, string what) =>
        new($"Unsupported or invalid regex at offset {at} of '{(_p.Length <= 80 ? _p : string.Concat(_p.AsSpan(0, 80), "…"))}': {what}.");
}
