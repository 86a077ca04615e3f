using System.Globalization;
using System.Text;

namespace Engine.Guided;

/// <summary>
/// Translates Lark-style EBNF and plain <c>A -&gt; … | …</c> rules into GBNF text for <see cref="GbnfParser"/>.
/// Lark: <c>name: expansion</c> rules (<c>?</c>/<c>!</c> prefixes and <c>.N</c> priorities ignored), <c>"…"</c>
/// and <c>'…'</c> literals (<c>i</c> suffix: case-insensitive), <c>/regex/</c> terminals, <c>"a".."z"</c> ranges,
/// <c>( )</c>, <c>[ ]</c> (optional), <c>? * +</c>, <c>~ n</c> and <c>~ n..m</c>, <c>//</c> comments,
/// <c>%import common.NAME</c> (and <c>common (A, B)</c>) and <c>%ignore</c> (the ignored text may appear between
/// the items of rules, not inside terminals, which are the UPPERCASE names). The start rule is <c>start</c>, else
/// the first rule. Arrow form: the same expansions after <c>-&gt;</c>, <c>#</c> comments, the first rule is the
/// start. A rule ends where a line starts the next rule (<c>name:</c> / <c>name -&gt;</c>) or a directive.
/// Errors give the line and column in the source text.
/// </summary>
internal sealed class EbnfToGbnf
{
    private const int MaxNesting = 200;
    private const char IgnoreMark = '\u0001';

    internal enum Dialect
    {
        Lark,
        Arrow,
    }

    private readonly string _text;
    private readonly Dialect _dialect;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _extra = new();
    private int _helpers;
    private readonly Dictionary<string, int> _defined = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _used = new(StringComparer.Ordinal);
    private readonly HashSet<string> _imported = new(StringComparer.Ordinal);
    private readonly List<string> _ignored = [];
    private string? _first;
    private bool _inTerminal;
    private int _pos;
    private int _depth;

    private EbnfToGbnf(string text, Dialect dialect)
    {
        _text = text;
        _dialect = dialect;
    }

    public static string Translate(string text, Dialect dialect) => new EbnfToGbnf(text, dialect).Run();

    private string Run()
    {
        SkipSpace(newlines: true);
        while (_pos < _text.Length)
        {
            if (_text[_pos] == '%' && _dialect == Dialect.Lark)
            {
                Directive();
            }
            else
            {
                Rule();
            }
            SkipSpace(newlines: true);
        }
        if (_first is null)
        {
            throw new GrammarException("The grammar is empty: expected at least one rule.");
        }
        foreach (var (name, at) in _used)
        {
            if (!_defined.ContainsKey(name) && !_imported.Contains(name))
            {
                throw Error(at, $"rule '{name}' is used but never defined");
            }
        }
        foreach (var name in ImportClosure())
        {
            _out.Append("u-").Append(name).Append(" ::= ").Append(LarkCommonTerminals.Bodies[name]).Append('\n');
        }
        var start = _dialect == Dialect.Lark && _defined.ContainsKey("start") ? "start" : _first;
        var ws = _ignored.Count == 0 ? "" : "u--ignore* ";
        if (_ignored.Count > 0)
        {
            _out.Append("u--ignore ::= ").Append(string.Join(" | ", _ignored)).Append('\n');
        }
        _out.Append(_extra).Replace(IgnoreMark.ToString(), _ignored.Count == 0 ? "" : "u--ignore*");
        return $"root ::= {ws}u-{start} {ws}\n{_out}";
    }

    private IEnumerable<string> ImportClosure()
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(_imported.Where(n => !_defined.ContainsKey(n)));
        while (stack.Count > 0)
        {
            var name = stack.Pop();
            if (done.Add(name))
            {
                foreach (var dep in LarkCommonTerminals.Dependencies(name).Where(d => !_defined.ContainsKey(d)))
                {
                    stack.Push(dep);
                }
            }
        }
        return done.Order(StringComparer.Ordinal);
    }

    private void Rule()
    {
        var start = _pos;
        if (_dialect == Dialect.Lark && _text[_pos] is '?' or '!')
        {
            _pos++;
        }
        var name = Name();
        if (_dialect == Dialect.Lark && Peek('.'))
        {
            _pos++;
            Number(); // priority: no meaning for a constraint
        }
        SkipSpace(newlines: false);
        var separator = _dialect == Dialect.Lark ? ":" : "->";
        if (!_text.AsSpan(_pos).StartsWith(separator))
        {
            throw Error(_pos, $"expected '{separator}' after rule name '{name}'");
        }
        _pos += separator.Length;
        if (!_defined.TryAdd(name, start))
        {
            throw Error(start, $"rule '{name}' is defined twice");
        }
        _first ??= name;
        _inTerminal = _dialect == Dialect.Lark && IsTerminalName(name);
        _out.Append("u-").Append(name).Append(" ::= ").Append(Alternatives(topLevel: true)).Append('\n');
    }

    private string Alternatives(bool topLevel)
    {
        var alts = new List<string> { Sequence(topLevel) };
        while (true)
        {
            var save = _pos;
            SkipSpace(newlines: true);
            if (Peek('|'))
            {
                _pos++;
                alts.Add(Sequence(topLevel));
                continue;
            }
            _pos = topLevel ? save : _pos;
            return string.Join(" | ", alts);
        }
    }

    private string Sequence(bool topLevel)
    {
        var items = new List<string>();
        while (true)
        {
            var save = _pos;
            SkipSpace(newlines: !topLevel);
            // a top-level sequence ends at the line's end: the rule goes on only on a line starting with '|'
            if (_pos >= _text.Length || _text[_pos] is '|' or ')' or ']' || (topLevel && _text[_pos] == '\n'))
            {
                _pos = topLevel ? save : _pos;
                break;
            }
            items.Add(Quantified());
        }
        if (items.Count == 0)
        {
            return "\"\"";
        }
        // %ignore: the ignored text may stand between the items of a rule (not inside a terminal)
        // (a mark, as %ignore may come after the rules: Run resolves it)
        var glue = _inTerminal ? " " : " " + IgnoreMark + " ";
        return items.Count == 1 ? items[0] : "(" + string.Join(glue, items) + ")";
    }

    private string Quantified()
    {
        var atom = Atom();
        while (true)
        {
            var save = _pos;
            SkipSpace(newlines: false);
            if (_pos < _text.Length && _text[_pos] is '?' or '*' or '+')
            {
                var op = _text[_pos++];
                // in a rule, ignored text may also stand between the repetitions
                // (the repeated item becomes a helper rule, so its text is not copied: nesting cannot blow up)
                if (op == '?' || _inTerminal)
                {
                    atom = $"({atom}){op}";
                }
                else
                {
                    var helper = $"u--rep{_helpers++}";
                    _extra.Append(helper).Append(" ::= ").Append(atom).Append('\n');
                    atom = op == '+' ? $"({helper} ({IgnoreMark} {helper})*)" : $"({helper} ({IgnoreMark} {helper})*)?";
                }
                continue;
            }
            if (_dialect == Dialect.Lark && Peek('~'))
            {
                _pos++;
                SkipSpace(newlines: false);
                var min = Number();
                var max = min;
                if (_text.AsSpan(_pos).StartsWith(".."))
                {
                    _pos += 2;
                    max = Number();
                }
                if (max < min || max > GbnfParser.MaxRepeat)
                {
                    throw Error(save, $"repetition ~ {min}..{max} must have min ≤ max ≤ {GbnfParser.MaxRepeat}");
                }
                atom = string.Create(CultureInfo.InvariantCulture, $"({atom}){{{min},{max}}}");
                continue;
            }
            _pos = save;
            return atom;
        }
    }

    private string Atom()
    {
        var at = _pos;
        var c = _text[_pos];
        if (c is '(' or '[')
        {
            if (++_depth > MaxNesting)
            {
                throw Error(at, $"groups nest deeper than {MaxNesting}");
            }
            _pos++;
            var inner = Alternatives(topLevel: false);
            SkipSpace(newlines: true);
            var close = c == '(' ? ')' : ']';
            if (!Peek(close))
            {
                throw Error(at, $"unclosed '{c}'");
            }
            _pos++;
            _depth--;
            return c == '(' ? $"({inner})" : $"({inner})?";
        }
        if (c is '"' or '\'')
        {
            var literal = Literal();
            if (_text.AsSpan(_pos).StartsWith(".."))
            {
                _pos += 2;
                SkipSpace(newlines: false);
                var rangeAt = _pos;
                var high = _pos < _text.Length && _text[_pos] is '"' or '\'' ? Literal() : throw Error(_pos, "expected a literal after '..'");
                if (literal.EnumerateRunes().Count() != 1 || high.EnumerateRunes().Count() != 1 || high[0] < literal[0])
                {
                    throw Error(rangeAt, "a range \"a\"..\"z\" needs two single characters, low to high");
                }
                return GbnfText.Class(CharSet.From([(char.ConvertToUtf32(literal, 0), char.ConvertToUtf32(high, 0))]));
            }
            if (_dialect == Dialect.Lark && Peek('i'))
            {
                _pos++;
                return CaseInsensitive(literal);
            }
            return GbnfText.Literal(literal);
        }
        if (c == '/' && _dialect == Dialect.Lark)
        {
            return Regex(at);
        }
        if (char.IsAsciiLetter(c) || c == '_')
        {
            var name = Name();
            _used.TryAdd(name, at);
            return "u-" + name;
        }
        throw Error(at, $"unexpected character '{c}'");
    }

    private string Regex(int at)
    {
        _pos++;
        var sb = new StringBuilder();
        while (_pos < _text.Length && _text[_pos] != '/')
        {
            if (_text[_pos] == '\n')
            {
                break;
            }
            if (_text[_pos] == '\\' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                _pos++;
            }
            else if (_text[_pos] == '\\' && _pos + 1 < _text.Length)
            {
                sb.Append(_text[_pos++]);
            }
            sb.Append(_text[_pos++]);
        }
        if (_pos >= _text.Length || _text[_pos] != '/')
        {
            throw Error(at, "unterminated /regex/");
        }
        _pos++;
        if (_pos < _text.Length && char.IsAsciiLetter(_text[_pos]))
        {
            throw Error(_pos, $"regex flag '{_text[_pos]}' is not supported");
        }
        try
        {
            return "(" + RegexToGbnf.Translate(sb.ToString()) + ")";
        }
        catch (GrammarException e)
        {
            throw Error(at, $"in /{sb}/: {e.Message}");
        }
    }

    private static string CaseInsensitive(string literal)
    {
        var parts = new List<string>();
        foreach (var rune in literal.EnumerateRunes())
        {
            var lower = Rune.ToLowerInvariant(rune);
            var upper = Rune.ToUpperInvariant(rune);
            if (lower == upper)
            {
                parts.Add(GbnfText.Literal(rune.ToString()));
                continue;
            }
            parts.Add(GbnfText.Class(CharSet.From([(lower.Value, lower.Value), (upper.Value, upper.Value)])));
        }
        return parts.Count == 0 ? "\"\"" : "(" + string.Join(" ", parts) + ")";
    }

    private string Literal()
    {
        var at = _pos;
        var quote = _text[_pos++];
        var sb = new StringBuilder();
        while (_pos < _text.Length && _text[_pos] != quote)
        {
            var c = _text[_pos++];
            if (c == '\n')
            {
                throw Error(at, "unterminated string literal");
            }
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (_pos >= _text.Length)
            {
                break;
            }
            var e = _text[_pos++];
            sb.Append(e switch
            {
                'n' => "\n",
                't' => "\t",
                'r' => "\r",
                '\\' or '"' or '\'' => e.ToString(),
                'x' when _pos + 2 <= _text.Length && int.TryParse(_text.AsSpan(_pos, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h)
                    => Advance(2, char.ConvertFromUtf32(h)),
                'u' when _pos + 4 <= _text.Length && int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u)
                    => Advance(4, ((char)u).ToString()),
                _ => throw Error(_pos - 2, $"unknown escape '\\{e}'"),
            });
        }
        if (_pos >= _text.Length)
        {
            throw Error(at, "unterminated string literal");
        }
        _pos++;
        return sb.ToString();
    }

    private string Advance(int n, string value)
    {
        _pos += n;
        return value;
    }

    private void Directive()
    {
        var at = _pos;
        _pos++;
        var word = Name();
        SkipSpace(newlines: false);
        if (word == "ignore")
        {
            _inTerminal = true;
            _ignored.Add(Alternatives(topLevel: true));
            return;
        }
        if (word != "import")
        {
            throw Error(at, $"directive '%{word}' is not supported (supported: %import common.NAME, %ignore)");
        }
        var module = Name();
        if (module != "common")
        {
            throw Error(at, $"only %import common.… is supported, got '{module}'");
        }
        if (Peek('.'))
        {
            _pos++;
            Import(_pos, Name());
            SkipSpace(newlines: false);
            if (_text.AsSpan(_pos).StartsWith("->"))
            {
                throw Error(_pos, "%import aliases are not supported");
            }
            return;
        }
        SkipSpace(newlines: false);
        if (!Peek('('))
        {
            throw Error(_pos, "expected '.NAME' or '(NAME, …)' after %import common");
        }
        _pos++;
        while (true)
        {
            SkipSpace(newlines: true);
            Import(_pos, Name());
            SkipSpace(newlines: true);
            if (Peek(','))
            {
                _pos++;
                continue;
            }
            if (!Peek(')'))
            {
                throw Error(_pos, "expected ',' or ')' in %import common (…)");
            }
            _pos++;
            return;
        }
    }

    private void Import(int at, string name)
    {
        if (!LarkCommonTerminals.Bodies.ContainsKey(name))
        {
            throw Error(at, $"common.{name} is not one of the supported common terminals ({string.Join(", ", LarkCommonTerminals.Bodies.Keys.Where(k => k[0] != '_'))})");
        }
        _imported.Add(name);
    }

    private static bool IsTerminalName(string name) => name.TrimStart('_').All(c => !char.IsAsciiLetterLower(c));

    private string Name()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }
        if (start == _pos || char.IsAsciiDigit(_text[start]))
        {
            throw Error(start, _pos < _text.Length ? $"expected a rule name, found '{_text[start]}'" : "expected a rule name");
        }
        return _text[start.._pos];
    }

    private int Number()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }
        if (start == _pos || !int.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw Error(start, "expected a number");
        }
        return n;
    }

    private bool Peek(char c) => _pos < _text.Length && _text[_pos] == c;

    private void SkipSpace(bool newlines)
    {
        var comment = _dialect == Dialect.Lark ? "//" : "#";
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is ' ' or '\t' or '\r' || (newlines && c == '\n'))
            {
                _pos++;
            }
            else if (_text.AsSpan(_pos).StartsWith(comment))
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
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

    private GrammarException Error(int at, string what)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < at && i < _text.Length; i++)
        {
            (line, column) = _text[i] == '\n' ? (line + 1, 1) : (line, column + 1);
        }
        var notation = _dialect == Dialect.Lark ? "Lark EBNF" : "'A -> …' rules";
        return new GrammarException(string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}: {what} (read as {notation})"));
    }
}
