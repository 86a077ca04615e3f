using System.Globalization;
using Engine.ChatTemplates.Runtime;

namespace Engine.ChatTemplates.Syntax;

/// <summary>
/// Splits a template into tokens exactly as Jinja2's lexer does with transformers' settings: newlines normalised
/// to <c>\n</c> and the single trailing newline dropped (keep_trailing_newline=False); <c>trim_blocks</c> (one
/// newline after a block or comment tag is eaten); <c>lstrip_blocks</c> (spaces and tabs from the line start up
/// to a block or comment tag are eaten, not before <c>{{</c>); <c>-</c> strips all whitespace on that side;
/// <c>+</c> disables lstrip/trim; comments vanish; <c>{% raw %}</c> bodies are data.
/// </summary>
internal sealed class Lexer
{
    private const string Operators2 = "//**==!=>=<=";
    private const string Operators1 = "+-/*%~[](){}><=.:|,;";

    private readonly string _src;
    private readonly List<Token> _tokens = [];
    private int _pos;

    // Jinja's line_starting: whether the last consumed lexeme ended with a newline (true at the very start).
    private bool _lineStarting = true;

    private Lexer(string source) => _src = source;

    /// <summary>The source as Jinja sees it: CRLF/CR become LF and one trailing newline is removed.</summary>
    public static string Normalize(string source)
    {
        var s = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return s.EndsWith('\n') ? s[..^1] : s;
    }

    public static List<Token> Tokenize(string normalizedSource)
    {
        var lexer = new Lexer(normalizedSource);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_pos < _src.Length)
        {
            var (tagAt, kind) = FindNextTag(_pos);
            if (tagAt < 0)
            {
                Emit(TokenKind.Data, _src[_pos..], _pos);
                _pos = _src.Length;
                break;
            }
            var sign = tagAt + 2 < _src.Length && _src[tagAt + 2] is '-' or '+' ? _src[tagAt + 2] : '\0';
            var rawEnd = kind == '%' ? MatchRawBegin(tagAt) : -1;
            var text = _src[_pos..tagAt];
            EmitData(StripBeforeTag(text, sign, isVariable: kind == '{'), _pos);
            var afterOpen = tagAt + 2 + (sign == '\0' ? 0 : 1);
            if (rawEnd >= 0)
            {
                _pos = rawEnd;
                _lineStarting = _src[rawEnd - 1] == '\n';
                LexRawBody(tagAt);
            }
            else if (kind == '#')
            {
                LexComment(tagAt, afterOpen);
            }
            else
            {
                Emit(kind == '{' ? TokenKind.VariableBegin : TokenKind.BlockBegin, kind == '{' ? "{{" : "{%", tagAt);
                _pos = afterOpen;
                LexTag(kind == '{' ? '}' : '%', tagAt);
            }
        }
        Emit(TokenKind.Eof, "", _src.Length);
    }

    private (int At, char Kind) FindNextTag(int from)
    {
        for (var i = _src.IndexOf('{', from); i >= 0 && i + 1 < _src.Length; i = _src.IndexOf('{', i + 1))
        {
            var c = _src[i + 1];
            if (c is '%' or '{' or '#')
            {
                return (i, c);
            }
        }
        return (-1, '\0');
    }

    // Applies the "-" sign (rstrip everything) or lstrip_blocks (whitespace back to the line start) to the data
    // that precedes a tag.
    private string StripBeforeTag(string text, char sign, bool isVariable)
    {
        if (sign == '-')
        {
            return PyText.RStrip(text);
        }
        if (sign == '+' || isVariable)
        {
            return text;
        }
        var lineStart = text.LastIndexOf('\n') + 1;
        if ((lineStart > 0 || _lineStarting) && lineStart < text.Length && PyText.AllSpace(text.AsSpan(lineStart)))
        {
            return text[..lineStart];
        }
        return text;
    }

    // "{%" sign? \s* "raw" \s* ("-%}" \s* | "%}"); returns the index after the match or -1.
    private int MatchRawBegin(int tagAt)
    {
        var i = tagAt + 2;
        if (i < _src.Length && _src[i] is '-' or '+')
        {
            i++;
        }
        i = SkipSpace(i);
        if (string.CompareOrdinal(_src, i, "raw", 0, 3) != 0)
        {
            return -1;
        }
        i = SkipSpace(i + 3);
        if (string.CompareOrdinal(_src, i, "-%}", 0, 3) == 0)
        {
            return SkipSpace(i + 3);
        }
        return string.CompareOrdinal(_src, i, "%}", 0, 2) == 0 ? i + 2 : -1;
    }

    private void LexRawBody(int rawAt)
    {
        for (var i = _src.IndexOf("{%", _pos, StringComparison.Ordinal); i >= 0; i = _src.IndexOf("{%", i + 1, StringComparison.Ordinal))
        {
            var j = i + 2;
            var sign = j < _src.Length && _src[j] is '-' or '+' ? _src[j] : '\0';
            j = SkipSpace(sign == '\0' ? j : j + 1);
            if (string.CompareOrdinal(_src, j, "endraw", 0, 6) != 0)
            {
                continue;
            }
            j = SkipSpace(j + 6);
            var end = MatchBlockEnd(j);
            if (end < 0)
            {
                continue;
            }
            EmitData(StripBeforeTag(_src[_pos..i], sign, isVariable: false), _pos);
            _pos = end;
            _lineStarting = _src[end - 1] == '\n';
            return;
        }
        throw SyntaxError("Missing end of raw directive", rawAt);
    }

    private void LexComment(int commentAt, int from)
    {
        var i = _src.IndexOf("#}", from, StringComparison.Ordinal);
        if (i < 0)
        {
            throw SyntaxError("Missing end of comment tag", commentAt);
        }
        var sign = i > from && _src[i - 1] is '-' or '+' ? _src[i - 1] : '\0';
        var end = sign == '-' ? SkipSpace(i + 2) : sign == '+' ? i + 2 : TrimOneNewline(i + 2);
        _pos = end;
        _lineStarting = _src[end - 1] == '\n';
    }

    // Block end: "+%}" | "-%}" \s* | "%}" "\n"? (trim_blocks); -1 when none starts at i.
    private int MatchBlockEnd(int i)
    {
        if (string.CompareOrdinal(_src, i, "+%}", 0, 3) == 0)
        {
            return i + 3;
        }
        if (string.CompareOrdinal(_src, i, "-%}", 0, 3) == 0)
        {
            return SkipSpace(i + 3);
        }
        return string.CompareOrdinal(_src, i, "%}", 0, 2) == 0 ? TrimOneNewline(i + 2) : -1;
    }

    private int MatchVariableEnd(int i)
    {
        if (string.CompareOrdinal(_src, i, "-}}", 0, 3) == 0)
        {
            return SkipSpace(i + 3);
        }
        return string.CompareOrdinal(_src, i, "}}", 0, 2) == 0 ? i + 2 : -1;
    }

    private int TrimOneNewline(int i) => i < _src.Length && _src[i] == '\n' ? i + 1 : i;

    private int SkipSpace(int i)
    {
        while (i < _src.Length && PyText.IsSpace(_src[i]))
        {
            i++;
        }
        return i;
    }

    private void LexTag(char endKind, int tagAt)
    {
        var balance = new Stack<char>();
        while (true)
        {
            if (_pos >= _src.Length)
            {
                throw SyntaxError(endKind == '%' ? "Unexpected end of template: block tag was not closed" : "Unexpected end of template: variable tag was not closed", tagAt);
            }
            if (balance.Count == 0)
            {
                var end = endKind == '%' ? MatchBlockEnd(_pos) : MatchVariableEnd(_pos);
                if (end >= 0)
                {
                    Emit(endKind == '%' ? TokenKind.BlockEnd : TokenKind.VariableEnd, endKind == '%' ? "%}" : "}}", _pos);
                    _pos = end;
                    _lineStarting = _src[end - 1] == '\n';
                    return;
                }
            }
            var c = _src[_pos];
            if (PyText.IsSpace(c))
            {
                _pos++;
            }
            else if (char.IsAsciiDigit(c))
            {
                LexNumber();
            }
            else if (c == '_' || char.IsLetter(c))
            {
                var start = _pos;
                while (_pos < _src.Length && (_src[_pos] == '_' || char.IsLetterOrDigit(_src[_pos])))
                {
                    _pos++;
                }
                Emit(TokenKind.Name, _src[start.._pos], start);
            }
            else if (c is '\'' or '"')
            {
                LexString(c);
            }
            else
            {
                LexOperator(balance);
            }
        }
    }

    private void LexOperator(Stack<char> balance)
    {
        var start = _pos;
        string op;
        if (_pos + 1 < _src.Length && IsTwoCharOperator(_src[_pos], _src[_pos + 1]))
        {
            op = _src.Substring(_pos, 2);
        }
        else if (Operators1.Contains(_src[_pos], StringComparison.Ordinal))
        {
            op = _src[_pos].ToString();
        }
        else
        {
            throw SyntaxError($"unexpected char '{_src[_pos]}'", _pos);
        }
        _pos += op.Length;
        switch (op)
        {
            case "(" or "[" or "{":
                balance.Push(op[0]);
                break;
            case ")" or "]" or "}":
                var open = op[0] switch { ')' => '(', ']' => '[', _ => '{' };
                if (balance.Count == 0)
                {
                    throw SyntaxError($"unexpected '{op}'", start);
                }
                if (balance.Pop() != open)
                {
                    throw SyntaxError($"unexpected '{op}'", start);
                }
                break;
            default:
                break;
        }
        Emit(TokenKind.Operator, op, start);
    }

    private static bool IsTwoCharOperator(char a, char b)
    {
        for (var i = 0; i < Operators2.Length; i += 2)
        {
            if (Operators2[i] == a && Operators2[i + 1] == b)
            {
                return true;
            }
        }
        return false;
    }

    // Integer: (\d+_)*\d+ (or 0b/0o/0x); float: digits "." digits [e[+-]digits] or digits e[+-]digits.
    private void LexNumber()
    {
        var start = _pos;
        if (_src[_pos] == '0' && _pos + 1 < _src.Length && (_src[_pos + 1] | 0x20) is 'x' or 'o' or 'b')
        {
            var radix = (_src[_pos + 1] | 0x20) switch { 'x' => 16, 'o' => 8, _ => 2 };
            _pos += 2;
            var digitsStart = _pos;
            while (_pos < _src.Length && (Uri.IsHexDigit(_src[_pos]) || _src[_pos] == '_'))
            {
                _pos++;
            }
            var digits = _src[digitsStart.._pos].Replace("_", "", StringComparison.Ordinal);
            Emit(TokenKind.Integer, Convert.ToInt64(digits, radix).ToString(CultureInfo.InvariantCulture), start);
            return;
        }
        ScanDigits();
        var isFloat = false;
        if (_pos + 1 < _src.Length && _src[_pos] == '.' && char.IsAsciiDigit(_src[_pos + 1]) && !(start > 0 && _src[start - 1] == '.'))
        {
            _pos++;
            ScanDigits();
            isFloat = true;
        }
        if (_pos < _src.Length && (_src[_pos] | 0x20) == 'e' && !(start > 0 && _src[start - 1] == '.'))
        {
            var e = _pos + 1;
            if (e < _src.Length && _src[e] is '+' or '-')
            {
                e++;
            }
            if (e < _src.Length && char.IsAsciiDigit(_src[e]))
            {
                _pos = e;
                ScanDigits();
                isFloat = true;
            }
        }
        var text = _src[start.._pos].Replace("_", "", StringComparison.Ordinal);
        Emit(isFloat ? TokenKind.Float : TokenKind.Integer, text, start);
    }

    private void ScanDigits()
    {
        while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || (_src[_pos] == '_' && _pos + 1 < _src.Length && char.IsAsciiDigit(_src[_pos + 1]))))
        {
            _pos++;
        }
    }

    private void LexString(char quote)
    {
        var start = _pos;
        var i = _pos + 1;
        while (i < _src.Length && _src[i] != quote)
        {
            i += _src[i] == '\\' ? 2 : 1;
        }
        if (i >= _src.Length)
        {
            throw SyntaxError("unexpected end of string literal", start);
        }
        Emit(TokenKind.String, StringLiteral.Decode(_src[(start + 1)..i]) ?? throw SyntaxError("invalid escape in string literal", start), start);
        _pos = i + 1;
    }

    private void Emit(TokenKind kind, string value, int position) => _tokens.Add(new Token(kind, value, position));

    private void EmitData(string text, int position)
    {
        if (text.Length > 0)
        {
            Emit(TokenKind.Data, text, position);
        }
    }

    private ChatTemplateException SyntaxError(string message, int position) => SourcePosition.Error(_src, message, position);
}
