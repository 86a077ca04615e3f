using System.Globalization;
using System.Text;

namespace Engine.Guided;

/// <summary>
/// Parses llama.cpp's GBNF: <c>name ::= alternatives</c> rules, <c>|</c>, parentheses, <c>"literals"</c> and
/// <c>[classes]</c> (ranges, <c>^</c> negation) with escapes <c>\n \r \t \\ \" \[ \] \xHH \uHHHH \UHHHHHHHH</c>,
/// <c>.</c> (any code point), rule references, <c>* + ?</c> and <c>{m} {m,} {m,n}</c>, and <c>#</c> comments.
/// As in llama.cpp a rule ends at a newline outside parentheses, unless the line ends with <c>|</c> or the
/// next line starts with <c>|</c>. Errors give the line and column.
/// </summary>
internal sealed class GbnfParser
{
    /// <summary>Upper bound on {m,n} counts, so a typo cannot expand into millions of rules.</summary>
    public const int MaxRepeat = 1000;

    /// <summary>
    /// Deepest nesting of parentheses accepted. The parser recurses once per level, so without a bound a client's
    /// <c>((((…))))</c> overflows the thread's stack and takes the process down; real grammars nest a few levels, and
    /// the regex translator's output (at most <see cref="RegexToGbnf.MaxNesting"/> groups, each wrapped at most twice) fits.
    /// </summary>
    public const int MaxNesting = 256;

    private readonly string _text;
    private readonly GrammarBuilder _builder;
    private int _pos;
    private int _depth;

    private GbnfParser(string text, GrammarBuilder builder)
    {
        _text = text;
        _builder = builder;
    }

    /// <summary>Parses <paramref name="text"/> and builds it with <paramref name="root"/> as the start rule.</summary>
    public static Grammar Parse(string text, string root = "root")
    {
        var builder = new GrammarBuilder();
        new GbnfParser(text, builder).ParseRules();
        return builder.Build(root);
    }

    private void ParseRules()
    {
        SkipSpace(newlines: true);
        if (_pos >= _text.Length)
        {
            throw new GrammarException("The grammar is empty: expected at least a 'root ::= …' rule.");
        }
        while (_pos < _text.Length)
        {
            var nameStart = _pos;
            var name = ParseName();
            SkipSpace(newlines: false);
            if (!_text.AsSpan(_pos).StartsWith("::="))
            {
                throw Error(_pos, _text.AsSpan(_pos).StartsWith("->") || _text.AsSpan(_pos).StartsWith(":")
                    ? $"expected '::=' after rule name '{name}' (the grammar dialect is GBNF; Lark/EBNF 'a -> b' or 'a: b' rules are not accepted)"
                    : $"expected '::=' after rule name '{name}'");
            }
            _pos += 3;
            SkipSpace(newlines: true);
            var id = _builder.RuleId(name);
            if (_builder.IsDefined(name))
            {
                throw Error(nameStart, $"rule '{name}' is defined twice");
            }
            _builder.Define(id, ParseAlternatives(name, nested: false));
            SkipSpace(newlines: true);
        }
    }

    private List<List<GrammarSymbol>> ParseAlternatives(string ruleName, bool nested)
    {
        var alts = new List<List<GrammarSymbol>> { ParseSequence(ruleName, nested) };
        while (true)
        {
            var save = _pos;
            SkipSpace(newlines: true);
            if (_pos < _text.Length && _text[_pos] == '|')
            {
                _pos++;
                SkipSpace(newlines: true);
                alts.Add(ParseSequence(ruleName, nested));
                continue;
            }
            _pos = nested ? _pos : save;
            return alts;
        }
    }

    private List<GrammarSymbol> ParseSequence(string ruleName, bool nested)
    {
        var seq = new List<GrammarSymbol>();
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is '|' or ')' or '\n' or '\r' || (c == '#'))
            {
                break;
            }
            if (!nested && IsRuleStart())
            {
                break;
            }
            var item = ParseItem(ruleName);
            SkipSpace(newlines: nested);
            item = ParseQuantifiers(item, ruleName, nested);
            seq.AddRange(item);
        }
        return seq;
    }

    // A new rule begins on a fresh line: "name ::=". Only checked at the start of an item after a newline was skipped.
    private bool IsRuleStart()
    {
        var p = _pos;
        while (p < _text.Length && IsNameChar(_text[p]))
        {
            p++;
        }
        if (p == _pos)
        {
            return false;
        }
        while (p < _text.Length && _text[p] is ' ' or '\t')
        {
            p++;
        }
        return _text.AsSpan(p).StartsWith("::=");
    }

    private List<GrammarSymbol> ParseQuantifiers(List<GrammarSymbol> item, string ruleName, bool nested)
    {
        while (_pos < _text.Length)
        {
            var start = _pos;
            int min, max;
            switch (_text[_pos])
            {
                case '*':
                    (min, max) = (0, -1);
                    _pos++;
                    break;
                case '+':
                    (min, max) = (1, -1);
                    _pos++;
                    break;
                case '?':
                    (min, max) = (0, 1);
                    _pos++;
                    break;
                case '{':
                    (min, max) = ParseBraces();
                    break;
                default:
                    return item;
            }
            if (item.Count == 0)
            {
                throw Error(start, "a quantifier needs something before it");
            }
            item = _builder.Repeat(item, min, max, ruleName);
            SkipSpace(newlines: nested);
        }
        return item;
    }

    private (int Min, int Max) ParseBraces()
    {
        var start = _pos++;
        SkipSpace(newlines: false);
        var min = ParseInt(start);
        SkipSpace(newlines: false);
        var max = min;
        if (_pos < _text.Length && _text[_pos] == ',')
        {
            _pos++;
            SkipSpace(newlines: false);
            max = _pos < _text.Length && char.IsAsciiDigit(_text[_pos]) ? ParseInt(start) : -1;
            SkipSpace(newlines: false);
        }
        if (_pos >= _text.Length || _text[_pos] != '}')
        {
            throw Error(start, "expected '}' to close the repetition count");
        }
        _pos++;
        if (max >= 0 && max < min)
        {
            throw Error(start, $"repetition {{{min},{max}}} has max below min");
        }
        if (Math.Max(min, max) > MaxRepeat)
        {
            throw Error(start, $"repetition count above {MaxRepeat}");
        }
        return (min, max);
    }

    private int ParseInt(int start)
    {
        var p = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }
        if (p == _pos || !int.TryParse(_text.AsSpan(p, _pos - p), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw Error(start, "expected a repetition count");
        }
        return n;
    }

    private List<GrammarSymbol> ParseItem(string ruleName)
    {
        var start = _pos;
        var c = _text[_pos];
        switch (c)
        {
            case '"':
            {
                _pos++;
                var seq = new List<GrammarSymbol>();
                while (true)
                {
                    if (_pos >= _text.Length || _text[_pos] is '\n' or '\r')
                    {
                        throw Error(start, "unterminated string literal");
                    }
                    if (_text[_pos] == '"')
                    {
                        _pos++;
                        return seq;
                    }
                    seq.Add(_builder.Chars(CharSet.Single(ParseChar())));
                }
            }
            case '[':
                return [_builder.Chars(ParseClass())];
            case '.':
                _pos++;
                return [_builder.Chars(CharSet.From([(0, CharSet.MaxCodePoint)]))];
            case '(':
            {
                if (++_depth > MaxNesting)
                {
                    throw Error(start, $"parentheses nested deeper than {MaxNesting} levels");
                }
                _pos++;
                SkipSpace(newlines: true);
                var group = _builder.FreshRule(ruleName);
                _builder.Define(group, ParseAlternatives(ruleName, nested: true));
                _depth--;
                SkipSpace(newlines: true);
                if (_pos >= _text.Length || _text[_pos] != ')')
                {
                    throw Error(start, "unclosed '('");
                }
                _pos++;
                return [GrammarSymbol.RuleRef(group)];
            }
            default:
                if (IsNameChar(c))
                {
                    return [GrammarSymbol.RuleRef(_builder.RuleId(ParseName()))];
                }
                throw Error(start, $"unexpected character '{c}'");
        }
    }

    private CharSet ParseClass()
    {
        var start = _pos++;
        var negated = _pos < _text.Length && _text[_pos] == '^';
        if (negated)
        {
            _pos++;
        }
        var ranges = new List<(int, int)>();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error(start, "unterminated character class");
            }
            if (_text[_pos] == ']')
            {
                _pos++;
                return CharSet.From(ranges, negated);
            }
            var lo = ParseChar();
            var hi = lo;
            if (_pos + 1 < _text.Length && _text[_pos] == '-' && _text[_pos + 1] != ']')
            {
                _pos++;
                hi = ParseChar();
                if (hi < lo)
                {
                    throw Error(start, $"character range {Describe(lo)}-{Describe(hi)} is reversed");
                }
            }
            ranges.Add((lo, hi));
        }
    }

    /// <summary>One code point of a literal or class, escapes decoded.</summary>
    private int ParseChar()
    {
        var start = _pos;
        if (_text[_pos] != '\\')
        {
            if (!Rune.TryGetRuneAt(_text, _pos, out var rune))
            {
                throw Error(start, "a lone UTF-16 surrogate is not a character");
            }
            _pos += rune.Utf16SequenceLength;
            return rune.Value;
        }
        if (++_pos >= _text.Length)
        {
            throw Error(start, "dangling '\\' at the end of the grammar");
        }
        var e = _text[_pos++];
        switch (e)
        {
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'x': return ParseHex(start, 2);
            case 'u': return ParseHex(start, 4);
            case 'U': return ParseHex(start, 8);
            default:
                if (e is '\\' or '"' or '[' or ']' or '-' or '^' or '/' or '.' or '(' or ')' or '|' or '*' or '+' or '?' or '{' or '}' or '\'' or ' ')
                {
                    return e;
                }
                throw Error(start, $"unknown escape '\\{e}'");
        }
    }

    private int ParseHex(int start, int digits)
    {
        if (_pos + digits > _text.Length
            || !int.TryParse(_text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)
            || v > CharSet.MaxCodePoint)
        {
            throw Error(start, $"expected {digits} hex digits of a code point");
        }
        _pos += digits;
        return v;
    }

    private string ParseName()
    {
        var start = _pos;
        while (_pos < _text.Length && IsNameChar(_text[_pos]))
        {
            _pos++;
        }
        if (start == _pos)
        {
            throw Error(start, _pos < _text.Length ? $"expected a rule name, found '{_text[_pos]}'" : "expected a rule name");
        }
        return _text[start.._pos];
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    private void SkipSpace(bool newlines)
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is ' ' or '\t' || (newlines && c is '\n' or '\r'))
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] is not ('\n' or '\r'))
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private static string Describe(int cp) => cp is >= 0x20 and < 0x7F ? ((char)cp).ToString() : $"U+{cp:X4}";

    private GrammarException Error(int at, string what)
    {
        var line = 1;
        var col = 1;
        for (var i = 0; i < at && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                col = 1;
            }
            else
            {
                col++;
            }
        }
        return new GrammarException($"GBNF syntax error at line {line}, column {col}: {what}.");
    }
}
