namespace Engine.ChatTemplates.Runtime;

/// <summary>Jinja2's builtin tests (<c>x is defined</c>, <c>x is string</c>, <c>x is divisibleby 3</c>, ...).</summary>
internal static class BuiltinTests
{
    public static bool Apply(Interpreter interpreter, string name, object? value, CallArgs args)
    {
        var other = args.Get(0, "other");
        switch (name)
        {
            case "defined": return value is not Undefined;
            case "undefined": return value is Undefined;
            case "none": return value is null;
            case "boolean": return value is bool;
            case "true": return value is true;
            case "false": return value is false;
            case "integer": return value is long;
            case "float": return value is double;
            // Python's numbers.Number includes bool.
            case "number": return PyOps.IsNumber(value);
            case "string": return value is string;
            case "mapping": return value is PyDict;
            case "sequence": return value is string or List<object?> or PyTuple or PyDict;
            case "iterable": return value is string or List<object?> or PyTuple or PyDict;
            case "callable": return value is ICallable or LoopContext;
            case "sameas": return ReferenceEquals(value, other) || (value is null && other is null) || (value is bool a && other is bool b && a == b);
            case "escaped": return false;
            case "lower": return value is string lower && lower.Any(char.IsLower) && !lower.Any(char.IsUpper);
            case "upper": return value is string upper && upper.Any(char.IsUpper) && !upper.Any(char.IsLower);
            case "even": return Integer(value, name) % 2 == 0;
            case "odd": return Integer(value, name) % 2 != 0;
            case "divisibleby":
                var divisor = Integer(other, name);
                return divisor == 0 ? throw new ChatTemplateException("ZeroDivisionError: integer modulo by zero") : Integer(value, name) % divisor == 0;
            case "eq" or "equalto" or "==": return PyOps.Equal(value, other);
            case "ne" or "!=": return !PyOps.Equal(value, other);
            case "lt" or "lessthan" or "<": return PyOps.Compare(value, other, "<") < 0;
            case "le" or "<=": return PyOps.Compare(value, other, "<=") <= 0;
            case "gt" or "greaterthan" or ">": return PyOps.Compare(value, other, ">") > 0;
            case "ge" or ">=": return PyOps.Compare(value, other, ">=") >= 0;
            case "in": return PyOps.Contains(args.Get(0, "seq"), value);
            case "filter": return value is string filter && Filters.IsKnown(filter);
            case "test": return value is string test && Known.Contains(test);
            default:
                throw new ChatTemplateException($"TemplateAssertionError: No test named '{name}'.");
        }
    }

    private static readonly HashSet<string> Known =
    [
        "defined", "undefined", "none", "boolean", "true", "false", "integer", "float", "number", "string", "mapping",
        "sequence", "iterable", "callable", "sameas", "escaped", "lower", "upper", "even", "odd", "divisibleby",
        "eq", "equalto", "ne", "lt", "lessthan", "le", "gt", "greaterthan", "ge", "in", "filter", "test",
    ];

    private static long Integer(object? value, string test) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d when d == Math.Floor(d) => (long)d,
        Undefined u => throw u.Fail(),
        _ => throw PyOps.TypeError($"test '{test}' needs a number, not {PyRepr.TypeName(value)}"),
    };
}
