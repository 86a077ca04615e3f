using System.Globalization;

namespace Engine.ChatTemplates.Syntax;

// Expressions, lowest precedence first: tuple, conditional, or, and, not, comparison, + -, ~, * / // %, **,
// unary, then postfix (. [] ()) and filter/test chains. Mirrors Jinja2's parse_* methods one for one.
internal sealed partial class Parser
{
    private static readonly HashSet<string> CompareOperators = ["==", "!=", "<", "<=", ">", ">="];

    private Expr ParseExpression(bool withCondExpr = true) => withCondExpr ? ParseCondExpr() : ParseOr();

    private bool IsTupleEnd(string? extraEnd) =>
        Current.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.Eof
        || Current.IsOperator(")")
        || (extraEnd is not null && Current.IsName(extraEnd));

    private Expr ParseTuple(bool withCondExpr, string? extraEnd = null, bool explicitParentheses = false)
    {
        var start = Current;
        var items = new List<Expr>();
        var isTuple = false;
        while (true)
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
            }
            if (IsTupleEnd(extraEnd))
            {
                break;
            }
            items.Add(ParseExpression(withCondExpr));
            if (Current.IsOperator(","))
            {
                isTuple = true;
            }
            else
            {
                break;
            }
        }
        if (!isTuple)
        {
            if (items.Count == 1)
            {
                return items[0];
            }
            if (!explicitParentheses)
            {
                throw Error($"Expected an expression, got {Describe(Current)}", Current);
            }
        }
        return new TupleExpr(items, start.Position);
    }

    private Expr ParseCondExpr()
    {
        var expr = ParseOr();
        while (Current.IsName("if"))
        {
            var at = Current.Position;
            _i++;
            var test = ParseOr();
            Expr? otherwise = null;
            if (Current.IsName("else"))
            {
                _i++;
                otherwise = ParseCondExpr();
            }
            expr = new CondExpr(test, expr, otherwise, at);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            var at = Current.Position;
            _i++;
            left = new BinaryExpr("or", left, ParseAnd(), at);
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            var at = Current.Position;
            _i++;
            left = new BinaryExpr("and", left, ParseNot(), at);
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            var at = Current.Position;
            _i++;
            Enter(at);
            try
            {
                return new UnaryExpr("not", ParseNot(), at);
            }
            finally
            {
                _depth--;
            }
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var start = Current.Position;
        var first = ParseMath1();
        var rest = new List<KeyValuePair<string, Expr>>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && CompareOperators.Contains(Current.Value))
            {
                var op = Current.Value;
                _i++;
                rest.Add(new(op, ParseMath1()));
            }
            else if (Current.IsName("in"))
            {
                _i++;
                rest.Add(new("in", ParseMath1()));
            }
            else if (Current.IsName("not") && Peek.IsName("in"))
            {
                _i += 2;
                rest.Add(new("not in", ParseMath1()));
            }
            else
            {
                break;
            }
        }
        return rest.Count == 0 ? first : new CompareExpr(first, rest, start);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var token = Current;
            _i++;
            left = new BinaryExpr(token.Value, left, ParseConcat(), token.Position);
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var start = Current.Position;
        var parts = new List<Expr> { ParseMath2() };
        while (Current.IsOperator("~"))
        {
            _i++;
            parts.Add(ParseMath2());
        }
        return parts.Count == 1 ? parts[0] : new ConcatExpr(parts, start);
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var token = Current;
            _i++;
            left = new BinaryExpr(token.Value, left, ParsePow(), token.Position);
        }
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        while (Current.IsOperator("**"))
        {
            var token = Current;
            _i++;
            left = new BinaryExpr("**", left, ParseUnary(withFilter: true), token.Position);
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        var token = Current;
        Enter(token.Position);
        try
        {
            return ParseUnaryBody(token, withFilter);
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseUnaryBody(Token token, bool withFilter)
    {
        Expr node;
        if (token.IsOperator("-") || token.IsOperator("+"))
        {
            _i++;
            node = new UnaryExpr(token.Value, ParseUnary(withFilter: false), token.Position);
        }
        else
        {
            node = ParsePrimary();
        }
        node = ParsePostfix(node);
        return withFilter ? ParseFilterExpr(node) : node;
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Name:
                _i++;
                return token.Value switch
                {
                    "true" or "True" => new ConstExpr(true, token.Position),
                    "false" or "False" => new ConstExpr(false, token.Position),
                    "none" or "None" => new ConstExpr(null, token.Position),
                    _ => new NameExpr(token.Value, token.Position),
                };
            case TokenKind.String:
                var text = token.Value;
                _i++;
                // Adjacent string literals concatenate, as in Python.
                while (Current.Kind == TokenKind.String)
                {
                    text += Current.Value;
                    _i++;
                }
                return new ConstExpr(text, token.Position);
            case TokenKind.Integer:
                _i++;
                return new ConstExpr(
                    long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var integer)
                        ? (object)integer
                        : double.Parse(token.Value, CultureInfo.InvariantCulture),
                    token.Position);
            case TokenKind.Float:
                _i++;
                return new ConstExpr(double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture), token.Position);
            case TokenKind.Operator when token.Value == "(":
                _i++;
                var inner = ParseTuple(withCondExpr: true, explicitParentheses: true);
                ExpectOperator(")");
                return inner;
            case TokenKind.Operator when token.Value == "[":
                return ParseList();
            case TokenKind.Operator when token.Value == "{":
                return ParseDict();
            default:
                throw Error($"unexpected {Describe(token)}", token);
        }
    }

    private ListExpr ParseList()
    {
        var start = Current.Position;
        ExpectOperator("[");
        var items = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
            }
            if (Current.IsOperator("]"))
            {
                break;
            }
            items.Add(ParseExpression());
        }
        ExpectOperator("]");
        return new ListExpr(items, start);
    }

    private DictExpr ParseDict()
    {
        var start = Current.Position;
        ExpectOperator("{");
        var items = new List<KeyValuePair<Expr, Expr>>();
        while (!Current.IsOperator("}"))
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
            }
            if (Current.IsOperator("}"))
            {
                break;
            }
            var key = ParseExpression();
            ExpectOperator(":");
            items.Add(new(key, ParseExpression()));
        }
        ExpectOperator("}");
        return new DictExpr(items, start);
    }
}
