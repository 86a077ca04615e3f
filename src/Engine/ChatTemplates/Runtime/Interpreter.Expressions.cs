using System.Runtime.CompilerServices;
using System.Text;
using Engine.ChatTemplates.Syntax;

namespace Engine.ChatTemplates.Runtime;

// Expression evaluation: names, attribute/item lookup, calls, filters, tests and operators.
internal sealed partial class Interpreter
{
    public object? Evaluate(Expr expr, Scope scope)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expr)
        {
            case ConstExpr c:
                return c.Value;
            case NameExpr name:
                return scope.TryGet(name.Name, out var value) ? value : Undefined.Named(name.Name);
            case GetAttrExpr attr:
                return Lookup.GetAttr(Evaluate(attr.Target, scope), attr.Attribute);
            case GetItemExpr item:
                var target = Evaluate(item.Target, scope);
                if (item.Index is SliceExpr slice)
                {
                    return Lookup.Slice(target, EvaluateOptional(slice.Start, scope), EvaluateOptional(slice.Stop, scope), EvaluateOptional(slice.Step, scope));
                }
                return Lookup.GetItem(target, Evaluate(item.Index, scope));
            case CallExpr call:
                return EvaluateCall(call, scope, caller: null);
            case FilterExpr filter:
                return Filters.Apply(this, filter.Name, Evaluate(filter.Value!, scope), EvaluateArgs(filter.Args, scope));
            case TestExpr test:
                return BuiltinTests.Apply(this, test.Name, Evaluate(test.Value, scope), EvaluateArgs(test.Args, scope));
            case UnaryExpr unary:
                var operand = Evaluate(unary.Operand, scope);
                return unary.Op switch
                {
                    "not" => !PyOps.Truthy(operand),
                    "-" => PyOps.Negate(operand),
                    _ => PyOps.IsNumber(operand) ? (operand is bool b ? (object)(b ? 1L : 0L) : operand)
                        : operand is Undefined u ? throw u.Fail()
                        : throw PyOps.TypeError($"bad operand type for unary +: '{PyRepr.TypeName(operand)}'"),
                };
            case BinaryExpr binary:
                return EvaluateBinary(binary, scope);
            case ConcatExpr concat:
                var sb = new StringBuilder();
                foreach (var part in concat.Parts)
                {
                    sb.Append(PyRepr.Str(Evaluate(part, scope)));
                    Budget.CheckSize(sb.Length);
                }
                return sb.ToString();
            case CompareExpr compare:
                return EvaluateCompare(compare, scope);
            case CondExpr cond:
                return PyOps.Truthy(Evaluate(cond.Test, scope))
                    ? Evaluate(cond.Then, scope)
                    : cond.Else is null ? new Undefined("UndefinedError: the inline if-expression evaluated to false and no else section was defined.") : Evaluate(cond.Else, scope);
            case ListExpr list:
                return list.Items.ConvertAll(x => Evaluate(x, scope));
            case TupleExpr tuple:
                return new PyTuple(tuple.Items.ConvertAll(x => Evaluate(x, scope)));
            case DictExpr dict:
                var result = new PyDict(dict.Items.Count);
                foreach (var (k, v) in dict.Items)
                {
                    result[Evaluate(k, scope) ?? throw PyOps.TypeError("None is not supported as a dict key here")] = Evaluate(v, scope);
                }
                return result;
            case SliceExpr:
                throw new ChatTemplateException("TypeError: a slice is only valid inside []");
            default:
                throw new InvalidOperationException($"Unknown expression {expr.GetType().Name}");
        }
    }

    private object? EvaluateOptional(Expr? expr, Scope scope) => expr is null ? null : Evaluate(expr, scope);

    private object? EvaluateBinary(BinaryExpr binary, Scope scope)
    {
        var left = Evaluate(binary.Left, scope);
        switch (binary.Op)
        {
            // Python's and/or return an operand, not a bool.
            case "and": return PyOps.Truthy(left) ? Evaluate(binary.Right, scope) : left;
            case "or": return PyOps.Truthy(left) ? left : Evaluate(binary.Right, scope);
            default: return PyOps.Binary(binary.Op, left, Evaluate(binary.Right, scope), Budget);
        }
    }

    private bool EvaluateCompare(CompareExpr compare, Scope scope)
    {
        var left = Evaluate(compare.First, scope);
        foreach (var (op, rightExpr) in compare.Rest)
        {
            var right = Evaluate(rightExpr, scope);
            var ok = op switch
            {
                "==" => PyOps.Equal(left, right),
                "!=" => !PyOps.Equal(left, right),
                "<" => PyOps.Compare(left, right, op) < 0,
                "<=" => PyOps.Compare(left, right, op) <= 0,
                ">" => PyOps.Compare(left, right, op) > 0,
                ">=" => PyOps.Compare(left, right, op) >= 0,
                "in" => PyOps.Contains(right, left),
                _ => !PyOps.Contains(right, left),
            };
            if (!ok)
            {
                return false;
            }
            left = right;
        }
        return true;
    }

    private object? EvaluateCall(CallExpr call, Scope scope, Macro? caller)
    {
        var callee = Evaluate(call.Callee, scope);
        var args = EvaluateArgs(call.Args, scope);
        if (caller is not null)
        {
            args.Keyword.Add(new("caller", caller));
        }
        return Invoke(callee, args);
    }

    public object? Invoke(object? callee, CallArgs args) => callee switch
    {
        ICallable callable => callable.Call(this, args),
        LoopContext loop => loop.CallRecursive(args.Get(0, "iterable")),
        Undefined u => throw u.Fail(),
        _ => throw PyOps.TypeError($"'{PyRepr.TypeName(callee)}' object is not callable"),
    };

    private CallArgs EvaluateArgs(Arguments args, Scope scope)
    {
        if (args.Positional.Count == 0 && args.Keyword.Count == 0 && args.Star is null && args.DoubleStar is null)
        {
            return new CallArgs([], []);
        }
        var positional = args.Positional.ConvertAll(x => Evaluate(x, scope));
        var keyword = args.Keyword.ConvertAll(k => new KeyValuePair<string, object?>(k.Key, Evaluate(k.Value, scope)));
        if (args.Star is not null)
        {
            positional.AddRange(PyOps.Iterate(Evaluate(args.Star, scope)));
        }
        if (args.DoubleStar is not null)
        {
            if (Evaluate(args.DoubleStar, scope) is not PyDict extra)
            {
                throw PyOps.TypeError("argument after ** must be a mapping");
            }
            foreach (var (k, v) in extra)
            {
                keyword.Add(new(PyRepr.Str(k), v));
            }
        }
        return new CallArgs(positional, keyword);
    }

    // `{% filter a | b %}` and `{% set x | a %}`: the chain's innermost value (null) is the captured body.
    private object? ApplyFilterChain(Expr chain, object? body, Scope scope)
    {
        if (chain is not FilterExpr filter)
        {
            throw new InvalidOperationException("filter chain expected");
        }
        var input = filter.Value is null ? body : ApplyFilterChain(filter.Value, body, scope);
        return Filters.Apply(this, filter.Name, input, EvaluateArgs(filter.Args, scope));
    }
}
