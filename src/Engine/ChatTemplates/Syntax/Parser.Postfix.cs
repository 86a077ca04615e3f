using System.Globalization;

namespace Engine.ChatTemplates.Syntax;

// Postfix chains: attribute and item access, slices, call arguments, filters and tests.
internal sealed partial class Parser
{
    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator(".") || Current.IsOperator("["))
            {
                node = ParseSubscript(node);
            }
            else if (Current.IsOperator("("))
            {
                node = new CallExpr(node, ParseCallArguments(), Current.Position);
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseFilterExpr(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                node = ParseFilterChain(node, startInline: false)!;
            }
            else if (Current.IsName("is"))
            {
                node = ParseTest(node);
            }
            else if (Current.IsOperator("("))
            {
                node = new CallExpr(node, ParseCallArguments(), Current.Position);
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseSubscript(Expr node)
    {
        var token = Current;
        _i++;
        if (token.IsOperator("."))
        {
            var attr = Current;
            _i++;
            if (attr.Kind == TokenKind.Name)
            {
                return new GetAttrExpr(node, attr.Value, token.Position);
            }
            if (attr.Kind != TokenKind.Integer)
            {
                throw Error("expected name or number", attr);
            }
            return new GetItemExpr(node, new ConstExpr(long.Parse(attr.Value, CultureInfo.InvariantCulture), attr.Position), token.Position);
        }
        var args = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (args.Count > 0)
            {
                ExpectOperator(",");
            }
            args.Add(ParseSubscribed());
        }
        ExpectOperator("]");
        return new GetItemExpr(node, args.Count == 1 ? args[0] : new TupleExpr(args, token.Position), token.Position);
    }

    private Expr ParseSubscribed()
    {
        var start = Current.Position;
        Expr? first = null;
        if (Current.IsOperator(":"))
        {
            _i++;
        }
        else
        {
            first = ParseExpression();
            if (!Current.IsOperator(":"))
            {
                return first;
            }
            _i++;
        }
        Expr? stop = null;
        if (!Current.IsOperator(":") && !Current.IsOperator("]") && !Current.IsOperator(","))
        {
            stop = ParseExpression();
        }
        Expr? step = null;
        if (Current.IsOperator(":"))
        {
            _i++;
            if (!Current.IsOperator("]") && !Current.IsOperator(","))
            {
                step = ParseExpression();
            }
        }
        return new SliceExpr(first, stop, step, start);
    }

    private Arguments ParseCallArguments()
    {
        var start = Current;
        ExpectOperator("(");
        var positional = new List<Expr>();
        var keyword = new List<KeyValuePair<string, Expr>>();
        Expr? star = null;
        Expr? doubleStar = null;
        var requireComma = false;
        while (!Current.IsOperator(")"))
        {
            if (requireComma)
            {
                ExpectOperator(",");
                if (Current.IsOperator(")"))
                {
                    break;
                }
            }
            if (Current.IsOperator("*"))
            {
                _i++;
                star = ParseExpression();
            }
            else if (Current.IsOperator("**"))
            {
                _i++;
                doubleStar = ParseExpression();
            }
            else if (Current.Kind == TokenKind.Name && Peek.IsOperator("="))
            {
                var key = Current.Value;
                _i += 2;
                keyword.Add(new(key, ParseExpression()));
            }
            else
            {
                if (keyword.Count > 0 || star is not null || doubleStar is not null)
                {
                    throw Error("invalid syntax for function call expression", start);
                }
                positional.Add(ParseExpression());
            }
            requireComma = true;
        }
        ExpectOperator(")");
        return new Arguments(positional, keyword, star, doubleStar);
    }

    // `| name(args) | name ...`; with startInline the first filter has no leading pipe ({% filter %} heads).
    private Expr? ParseFilterChain(Expr? node, bool startInline)
    {
        while (Current.IsOperator("|") || startInline)
        {
            if (!startInline)
            {
                _i++;
            }
            var token = Expect(TokenKind.Name, "filter name");
            var name = token.Value;
            while (Current.IsOperator("."))
            {
                _i++;
                name += "." + Expect(TokenKind.Name, "filter name").Value;
            }
            var args = Current.IsOperator("(") ? ParseCallArguments() : Arguments.None;
            node = new FilterExpr(node, name, args, token.Position);
            startInline = false;
        }
        return node;
    }

    private Expr ParseTest(Expr node)
    {
        var at = Current.Position;
        _i++;
        var negated = false;
        if (Current.IsName("not"))
        {
            _i++;
            negated = true;
        }
        var name = Expect(TokenKind.Name, "test name").Value;
        while (Current.IsOperator("."))
        {
            _i++;
            name += "." + Expect(TokenKind.Name, "test name").Value;
        }
        Arguments args;
        if (Current.IsOperator("("))
        {
            args = ParseCallArguments();
        }
        else if ((Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
                  || Current.IsOperator("(") || Current.IsOperator("[") || Current.IsOperator("{"))
                 && !Current.IsName("else") && !Current.IsName("or") && !Current.IsName("and"))
        {
            if (Current.IsName("is"))
            {
                throw Error("You cannot chain multiple tests with is", Current);
            }
            args = new Arguments([ParsePostfix(ParsePrimary())], [], null, null);
        }
        else
        {
            args = Arguments.None;
        }
        Expr test = new TestExpr(node, name, args, at);
        return negated ? new UnaryExpr("not", test, at) : test;
    }
}
