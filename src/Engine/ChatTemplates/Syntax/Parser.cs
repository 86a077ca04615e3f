using System.Runtime.CompilerServices;

namespace Engine.ChatTemplates.Syntax;

/// <summary>
/// Recursive-descent parser following Jinja2's <c>parser.py</c> statement by statement, so precedence and the
/// odd corners (filters binding tighter than <c>+</c>, left-associative <c>**</c>, <c>for x in xs if c</c>)
/// come out the same. This file holds the statements; <c>Parser.Expressions.cs</c> the expressions.
/// </summary>
internal sealed partial class Parser
{
    private const int MaxNesting = 500;
    private static readonly string[] NoEnds = [];
    private readonly string _src;
    private readonly List<Token> _tokens;
    private int _i;
    private int _depth;

    private Parser(string source, List<Token> tokens)
    {
        _src = source;
        _tokens = tokens;
    }

    private Token Current => _tokens[_i];

    private Token Peek => _tokens[Math.Min(_i + 1, _tokens.Count - 1)];

    /// <summary>Parses a normalised template source into its top-level statement list.</summary>
    public static List<Stmt> ParseTemplate(string normalizedSource)
    {
        var parser = new Parser(normalizedSource, Lexer.Tokenize(normalizedSource));
        var (body, _) = parser.ParseBody(NoEnds);
        return body;
    }

    // Jinja's subparse: statements until a block whose first name is one of `ends`; the stream is left just
    // after that name so the caller can read what follows (elif's condition, the closing %}).
    private (List<Stmt> Body, string End) ParseBody(string[] ends)
    {
        var body = new List<Stmt>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Data:
                    _i++;
                    body.Add(new DataStmt(token.Value, token.Position));
                    break;
                case TokenKind.VariableBegin:
                    _i++;
                    var value = ParseTuple(withCondExpr: true);
                    Expect(TokenKind.VariableEnd, "}}");
                    body.Add(new OutputStmt(value, token.Position));
                    break;
                case TokenKind.BlockBegin:
                    _i++;
                    if (Current.Kind == TokenKind.Name && Array.IndexOf(ends, Current.Value) >= 0)
                    {
                        var end = Current.Value;
                        _i++;
                        return (body, end);
                    }
                    body.Add(ParseStatement());
                    break;
                case TokenKind.Eof:
                    if (ends.Length > 0)
                    {
                        throw Error($"Unexpected end of template. Jinja was looking for the following tags: {string.Join(" or ", ends.Select(e => $"'{e}'"))}.", token);
                    }
                    return (body, "");
                default:
                    throw Error($"unexpected '{token.Value}'", token);
            }
        }
    }

    private Stmt ParseStatement()
    {
        var token = Current;
        Enter(token.Position);
        try
        {
            return ParseStatementBody(token);
        }
        finally
        {
            _depth--;
        }
    }

    // Nesting (blocks in blocks, parentheses, unary chains) is capped so hostile input fails fast as a syntax
    // error instead of recursing until the stack runs out; the stack check is the backstop.
    private void Enter(int position)
    {
        if (++_depth > MaxNesting)
        {
            throw SourcePosition.Error(_src, $"nesting deeper than {MaxNesting} levels", position);
        }
        RuntimeHelpers.EnsureSufficientExecutionStack();
    }

    private Stmt ParseStatementBody(Token token)
    {
        if (token.Kind != TokenKind.Name)
        {
            throw Error("tag name expected", token);
        }
        _i++;
        switch (token.Value)
        {
            case "if": return ParseIf(token);
            case "for": return ParseFor(token);
            case "set": return ParseSet(token);
            case "macro": return ParseMacro(token);
            case "call": return ParseCallBlock(token);
            case "filter": return ParseFilterBlock(token);
            case "with": return ParseWith(token);
            case "break":
                ExpectBlockEnd();
                return new BreakStmt(token.Position);
            case "continue":
                ExpectBlockEnd();
                return new ContinueStmt(token.Position);
            case "generation":
                ExpectBlockEnd();
                return new ScopeStmt(ParseBlockBody("endgeneration"), token.Position);
            case "block":
                Expect(TokenKind.Name, "block name");
                ExpectBlockEnd();
                var (blockBody, _) = ParseBody(["endblock"]);
                if (Current.Kind == TokenKind.Name)
                {
                    _i++;
                }
                ExpectBlockEnd();
                return new ScopeStmt(blockBody, token.Position);
            default:
                throw Error($"Encountered unknown tag '{token.Value}'.", token);
        }
    }

    private List<Stmt> ParseBlockBody(string end)
    {
        var (body, _) = ParseBody([end]);
        ExpectBlockEnd();
        return body;
    }

    private IfStmt ParseIf(Token start)
    {
        var branches = new List<KeyValuePair<Expr, List<Stmt>>>();
        List<Stmt>? elseBody = null;
        var test = ParseTuple(withCondExpr: false);
        while (true)
        {
            ExpectBlockEnd();
            var (body, end) = ParseBody(["elif", "else", "endif"]);
            branches.Add(new(test, body));
            if (end == "elif")
            {
                test = ParseTuple(withCondExpr: false);
                continue;
            }
            if (end == "else")
            {
                ExpectBlockEnd();
                elseBody = ParseBlockBody("endif");
                break;
            }
            ExpectBlockEnd();
            break;
        }
        return new IfStmt(branches, elseBody, start.Position);
    }

    private ForStmt ParseFor(Token start)
    {
        var target = ParseAssignTarget(allowNamespace: false, extraEnd: "in");
        ExpectName("in");
        var iterable = ParseTuple(withCondExpr: false, extraEnd: "recursive");
        Expr? filter = null;
        if (Current.IsName("if"))
        {
            _i++;
            filter = ParseExpression();
        }
        var recursive = false;
        if (Current.IsName("recursive"))
        {
            _i++;
            recursive = true;
        }
        ExpectBlockEnd();
        var (body, end) = ParseBody(["endfor", "else"]);
        List<Stmt>? elseBody = null;
        ExpectBlockEnd();
        if (end == "else")
        {
            elseBody = ParseBlockBody("endfor");
        }
        return new ForStmt(target, iterable, filter, body, elseBody, recursive, start.Position);
    }

    private Stmt ParseSet(Token start)
    {
        var target = ParseAssignTarget(allowNamespace: true, extraEnd: null);
        if (Current.IsOperator("="))
        {
            _i++;
            var value = ParseTuple(withCondExpr: true);
            ExpectBlockEnd();
            return new SetStmt(target, value, start.Position);
        }
        Expr? filter = Current.IsOperator("|") ? ParseFilterChain(null, startInline: false) : null;
        ExpectBlockEnd();
        return new SetBlockStmt(target, filter, ParseBlockBody("endset"), start.Position);
    }

    private MacroStmt ParseMacro(Token start)
    {
        var name = Expect(TokenKind.Name, "macro name").Value;
        var parameters = ParseSignature();
        ExpectBlockEnd();
        return new MacroStmt(name, parameters, ParseBlockBody("endmacro"), start.Position);
    }

    private CallBlockStmt ParseCallBlock(Token start)
    {
        var parameters = Current.IsOperator("(") ? ParseSignature() : [];
        var call = ParseExpression();
        if (call is not CallExpr callExpr)
        {
            throw Error("expected call", start);
        }
        ExpectBlockEnd();
        return new CallBlockStmt(callExpr, parameters, ParseBlockBody("endcall"), start.Position);
    }

    private FilterBlockStmt ParseFilterBlock(Token start)
    {
        var filter = (FilterExpr)ParseFilterChain(null, startInline: true)!;
        ExpectBlockEnd();
        return new FilterBlockStmt(filter, ParseBlockBody("endfilter"), start.Position);
    }

    private WithStmt ParseWith(Token start)
    {
        var assignments = new List<KeyValuePair<Target, Expr>>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0)
            {
                ExpectOperator(",");
            }
            var target = ParseAssignTarget(allowNamespace: false, extraEnd: null);
            ExpectOperator("=");
            assignments.Add(new(target, ParseExpression()));
        }
        ExpectBlockEnd();
        return new WithStmt(assignments, ParseBlockBody("endwith"), start.Position);
    }

    private List<MacroParameter> ParseSignature()
    {
        var parameters = new List<MacroParameter>();
        ExpectOperator("(");
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0)
            {
                ExpectOperator(",");
            }
            var name = Expect(TokenKind.Name, "parameter name").Value;
            Expr? defaultValue = null;
            if (Current.IsOperator("="))
            {
                _i++;
                defaultValue = ParseExpression();
            }
            else if (parameters.Count > 0 && parameters[^1].Default is not null)
            {
                throw Error("non-default argument follows default argument", Current);
            }
            parameters.Add(new MacroParameter(name, defaultValue));
        }
        ExpectOperator(")");
        return parameters;
    }

    // Names, `ns.attr` (set only) and tuples of those, as in `for key, value in ...`.
    private Target ParseAssignTarget(bool allowNamespace, string? extraEnd)
    {
        var start = Current;
        var items = new List<Target>();
        var isTuple = false;
        while (true)
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
            }
            if (IsTupleEnd(extraEnd) || Current.IsOperator("="))
            {
                break;
            }
            items.Add(ParseTargetItem(allowNamespace));
            if (Current.IsOperator(","))
            {
                isTuple = true;
            }
            else
            {
                break;
            }
        }
        if (items.Count == 0)
        {
            throw Error("expected an assignment target", start);
        }
        return isTuple ? new TupleTarget(items, start.Position) : items[0];
    }

    private Target ParseTargetItem(bool allowNamespace)
    {
        var token = Current;
        if (token.IsOperator("("))
        {
            _i++;
            var inner = ParseAssignTarget(allowNamespace: false, extraEnd: null);
            ExpectOperator(")");
            return inner;
        }
        var name = Expect(TokenKind.Name, "assignment target").Value;
        if (name is "true" or "false" or "none" or "True" or "False" or "None")
        {
            throw Error($"can't assign to '{name}'", token);
        }
        if (allowNamespace && Current.IsOperator("."))
        {
            _i++;
            return new AttributeTarget(name, Expect(TokenKind.Name, "attribute name").Value, token.Position);
        }
        return new NameTarget(name, token.Position);
    }

    private Token Expect(TokenKind kind, string what)
    {
        var token = Current;
        if (token.Kind != kind)
        {
            throw Error($"expected {what}, got {Describe(token)}", token);
        }
        _i++;
        return token;
    }

    private void ExpectOperator(string op)
    {
        if (!Current.IsOperator(op))
        {
            throw Error($"expected '{op}', got {Describe(Current)}", Current);
        }
        _i++;
    }

    private void ExpectName(string name)
    {
        if (!Current.IsName(name))
        {
            throw Error($"expected '{name}', got {Describe(Current)}", Current);
        }
        _i++;
    }

    private void ExpectBlockEnd() => Expect(TokenKind.BlockEnd, "end of statement block");

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.Eof => "end of template",
        TokenKind.BlockEnd => "end of statement block",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.String => "string",
        _ => $"'{token.Value}'",
    };

    private ChatTemplateException Error(string message, Token at) => SourcePosition.Error(_src, message, at.Position);
}
