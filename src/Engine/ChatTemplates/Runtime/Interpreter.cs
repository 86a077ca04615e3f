using System.Runtime.CompilerServices;
using System.Text;
using Engine.ChatTemplates.Syntax;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Walks the statement tree and writes output. Statement execution lives here, expression evaluation in
/// <c>Interpreter.Expressions.cs</c>. One instance renders one template once.
/// </summary>
internal sealed partial class Interpreter
{
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    private readonly string _source;
    private StringBuilder _out = new();

    private Interpreter(string source, ChatTemplateLimits limits, TimeProvider clock)
    {
        _source = source;
        Budget = new RenderBudget(limits);
        Clock = clock;
    }

    public RenderBudget Budget { get; }

    public TimeProvider Clock { get; }

    /// <summary>Renders <paramref name="template"/>; <paramref name="source"/> is the normalised text, for error positions.</summary>
    public static string Render(string source, List<Stmt> template, IEnumerable<KeyValuePair<string, object?>> variables, ChatTemplateLimits limits, TimeProvider clock)
    {
        var interpreter = new Interpreter(source, limits, clock);
        var globals = new Scope(null);
        Globals.Register(globals);
        var context = new Scope(globals);
        foreach (var (name, value) in variables)
        {
            context.Set(name, value);
        }
        interpreter.Exec(template, new Scope(context));
        return interpreter._out.ToString();
    }

    /// <summary>Runs a macro body in its frame and returns what it printed.</summary>
    public string CallBody(List<Stmt> body, Scope frame)
    {
        Budget.Enter();
        try
        {
            return Capture(body, frame);
        }
        finally
        {
            Budget.Leave();
        }
    }

    private string Capture(List<Stmt> body, Scope scope)
    {
        var saved = _out;
        _out = new StringBuilder();
        try
        {
            Exec(body, scope);
            return _out.ToString();
        }
        finally
        {
            _out = saved;
        }
    }

    private void Write(string text)
    {
        _out.Append(text);
        Budget.CheckSize(_out.Length);
    }

    private Flow Exec(List<Stmt> body, Scope scope)
    {
        foreach (var stmt in body)
        {
            var flow = ExecOne(stmt, scope);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }
        return Flow.Normal;
    }

    private Flow ExecOne(Stmt stmt, Scope scope)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        try
        {
            return ExecStatement(stmt, scope);
        }
        catch (ChatTemplateException e) when (e.Line == 0 && !e.RaisedByTemplate)
        {
            // Name the innermost statement that failed, as Jinja's traceback names the template line.
            var (line, column) = SourcePosition.Of(_source, stmt.Position);
            throw new ChatTemplateException(e.Message, line, column, e);
        }
    }

    private Flow ExecStatement(Stmt stmt, Scope scope)
    {
        switch (stmt)
        {
            case DataStmt data:
                Write(data.Text);
                return Flow.Normal;
            case OutputStmt output:
                Write(PyRepr.Str(Evaluate(output.Value, scope)));
                return Flow.Normal;
            case IfStmt ifStmt:
                foreach (var (test, branch) in ifStmt.Branches)
                {
                    if (PyOps.Truthy(Evaluate(test, scope)))
                    {
                        return Exec(branch, scope);
                    }
                }
                return ifStmt.Else is null ? Flow.Normal : Exec(ifStmt.Else, scope);
            case ForStmt forStmt:
                Write(RenderFor(forStmt, Evaluate(forStmt.Iterable, scope), scope, 0, capture: false));
                return Flow.Normal;
            case SetStmt set:
                Assign(set.Target, Evaluate(set.Value, scope), scope);
                return Flow.Normal;
            case SetBlockStmt setBlock:
                object? captured = Capture(setBlock.Body, new Scope(scope));
                if (setBlock.Filter is not null)
                {
                    captured = ApplyFilterChain(setBlock.Filter, captured, scope);
                }
                Assign(setBlock.Target, captured, scope);
                return Flow.Normal;
            case MacroStmt macro:
                scope.Set(macro.Name, new Macro(macro.Name, macro.Parameters, macro.Body, scope));
                return Flow.Normal;
            case CallBlockStmt callBlock:
                var caller = new Macro("caller", callBlock.Parameters, callBlock.Body, scope);
                Write(PyRepr.Str(EvaluateCall(callBlock.Call, scope, caller)));
                return Flow.Normal;
            case FilterBlockStmt filterBlock:
                Write(PyRepr.Str(ApplyFilterChain(filterBlock.Filter, Capture(filterBlock.Body, new Scope(scope)), scope)));
                return Flow.Normal;
            case WithStmt with:
                var inner = new Scope(scope);
                foreach (var (target, value) in with.Assignments)
                {
                    Assign(target, Evaluate(value, scope), inner);
                }
                return Exec(with.Body, inner);
            case ScopeStmt block:
                return Exec(block.Body, new Scope(scope));
            case BreakStmt:
                return Flow.Break;
            case ContinueStmt:
                return Flow.Continue;
            default:
                throw new InvalidOperationException($"Unknown statement {stmt.GetType().Name}");
        }
    }

    // Renders a for loop into a string (also the body of `loop(children)` in a recursive loop). The optional
    // `if` filter runs before `loop` exists, so loop.length and loop.last count only the kept items.
    private string RenderFor(ForStmt stmt, object? iterable, Scope scope, int depth0, bool capture)
    {
        var saved = _out;
        if (capture)
        {
            _out = new StringBuilder();
        }
        var start = _out.Length;
        try
        {
            var items = PyOps.Iterate(iterable);
            if (stmt.Filter is not null)
            {
                items = items.FindAll(item =>
                {
                    var probe = new Scope(scope);
                    Assign(stmt.Target, item, probe);
                    return PyOps.Truthy(Evaluate(stmt.Filter, probe));
                });
            }
            if (items.Count == 0)
            {
                if (stmt.Else is not null)
                {
                    Exec(stmt.Else, new Scope(scope));
                }
            }
            else
            {
                Func<object?, string>? recurse = stmt.Recursive ? children => RenderFor(stmt, children, scope, depth0 + 1, capture: true) : null;
                var loop = new LoopContext(items, depth0, recurse);
                for (var i = 0; i < items.Count; i++)
                {
                    Budget.CountIteration();
                    loop.Index0 = i;
                    var frame = new Scope(scope);
                    Assign(stmt.Target, items[i], frame);
                    frame.Set("loop", loop);
                    if (Exec(stmt.Body, frame) == Flow.Break)
                    {
                        break;
                    }
                }
            }
            var text = _out.ToString(start, _out.Length - start);
            if (!capture)
            {
                _out.Length = start;
            }
            return text;
        }
        finally
        {
            _out = saved;
        }
    }

    private void Assign(Target target, object? value, Scope scope)
    {
        switch (target)
        {
            case NameTarget name:
                scope.Set(name.Name, value);
                break;
            case AttributeTarget attribute:
                if (!scope.TryGet(attribute.Name, out var owner) || owner is not Namespace ns)
                {
                    throw new ChatTemplateException("TypeError: Cannot assign attribute on non-namespace object.");
                }
                ns.Attributes[attribute.Attribute] = value;
                break;
            case TupleTarget tuple:
                var items = PyOps.Iterate(value);
                if (items.Count != tuple.Items.Count)
                {
                    throw new ChatTemplateException(items.Count > tuple.Items.Count
                        ? $"ValueError: too many values to unpack (expected {tuple.Items.Count})"
                        : $"ValueError: not enough values to unpack (expected {tuple.Items.Count}, got {items.Count})");
                }
                for (var i = 0; i < items.Count; i++)
                {
                    Assign(tuple.Items[i], items[i], scope);
                }
                break;
            default:
                throw new InvalidOperationException($"Unknown target {target.GetType().Name}");
        }
    }
}
