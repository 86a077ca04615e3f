using System.Text;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Python operator semantics on template values: truthiness, equality (1 == 1.0 == True, element-wise for
/// containers), ordering, arithmetic (true division, floor division and modulo rounding toward -infinity),
/// <c>in</c>, <c>len</c> and iteration. Type mismatches raise Python's TypeError text.
/// </summary>
internal static class PyOps
{
    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        PyTuple t => t.Items.Count > 0,
        PyDict d => d.Count > 0,
        Undefined => false,
        _ => true,
    };

    public static bool IsNumber(object? value) => value is bool or long or double;

    public static double ToDouble(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        double d => d,
        _ => throw TypeError($"must be real number, not {PyRepr.TypeName(value)}"),
    };

    // bool is an int subclass in Python.
    private static bool IsInteger(object? value) => value is bool or long;

    private static long ToLong(object? value) => value is bool b ? (b ? 1 : 0) : (long)value!;

    public static bool Equal(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInteger(a) && IsInteger(b) ? ToLong(a) == ToLong(b) : ToDouble(a) == ToDouble(b);
        }
        switch (a)
        {
            case null: return b is null;
            case string s: return b is string t && s == t;
            case Undefined: return b is Undefined;
            case List<object?> l: return b is List<object?> m && SequenceEqual(l, m);
            case PyTuple tuple: return b is PyTuple other && SequenceEqual(tuple.Items, other.Items);
            case PyDict d:
                if (b is not PyDict e || d.Count != e.Count)
                {
                    return false;
                }
                foreach (var (k, v) in d)
                {
                    if (!e.TryGetValue(k, out var w) || !Equal(v, w))
                    {
                        return false;
                    }
                }
                return true;
            default: return ReferenceEquals(a, b);
        }
    }

    private static bool SequenceEqual(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!Equal(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Python ordering (&lt; &gt; etc.); returns negative, zero or positive, or raises TypeError.</summary>
    public static int Compare(object? a, object? b, string op)
    {
        if (a is Undefined u)
        {
            throw u.Fail();
        }
        if (b is Undefined v)
        {
            throw v.Fail();
        }
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInteger(a) && IsInteger(b) ? ToLong(a).CompareTo(ToLong(b)) : ToDouble(a).CompareTo(ToDouble(b));
        }
        if (a is string s && b is string t)
        {
            return CompareCodePoints(s, t);
        }
        if (a is List<object?> l && b is List<object?> m)
        {
            return CompareSequences(l, m, op);
        }
        if (a is PyTuple x && b is PyTuple y)
        {
            return CompareSequences(x.Items, y.Items, op);
        }
        throw TypeError($"'{op}' not supported between instances of '{PyRepr.TypeName(a)}' and '{PyRepr.TypeName(b)}'");
    }

    // Python compares strings by code point; ordinal UTF-16 order differs only around surrogates.
    private static int CompareCodePoints(string s, string t)
    {
        var i = 0;
        while (i < s.Length && i < t.Length && s[i] == t[i])
        {
            i++;
        }
        if (i == s.Length || i == t.Length)
        {
            return s.Length.CompareTo(t.Length);
        }
        return CodePointAt(s, i).CompareTo(CodePointAt(t, i));
    }

    private static int CodePointAt(string s, int i) =>
        char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? char.ConvertToUtf32(s[i], s[i + 1]) : s[i];

    private static int CompareSequences(IReadOnlyList<object?> a, IReadOnlyList<object?> b, string op)
    {
        for (var i = 0; i < a.Count && i < b.Count; i++)
        {
            if (!Equal(a[i], b[i]))
            {
                return Compare(a[i], b[i], op);
            }
        }
        return a.Count.CompareTo(b.Count);
    }

    public static object? Binary(string op, object? a, object? b, RenderBudget budget)
    {
        if (a is Undefined u)
        {
            throw u.Fail();
        }
        if (b is Undefined v)
        {
            throw v.Fail();
        }
        if (IsNumber(a) && IsNumber(b))
        {
            return Arithmetic(op, a, b);
        }
        switch (op)
        {
            case "+" when a is string s && b is string t:
                budget.CheckSize(s.Length + (long)t.Length);
                return s + t;
            case "+" when a is List<object?> l && b is List<object?> m:
                return new List<object?>([.. l, .. m]);
            case "+" when a is PyTuple x && b is PyTuple y:
                return new PyTuple([.. x.Items, .. y.Items]);
            case "*" when IsInteger(b) && a is string or List<object?>:
                return Repeat(a, ToLong(b), budget);
            case "*" when IsInteger(a) && b is string or List<object?>:
                return Repeat(b, ToLong(a), budget);
            case "%" when a is string format:
                return PyFormat.Percent(format, b);
            default:
                throw TypeError($"unsupported operand type(s) for {op}: '{PyRepr.TypeName(a)}' and '{PyRepr.TypeName(b)}'");
        }
    }

    private static object Repeat(object? sequence, long times, RenderBudget budget)
    {
        times = Math.Max(0, times);
        if (sequence is string s)
        {
            budget.CheckSize(s.Length * times);
            return new StringBuilder(s.Length * (int)times).Insert(0, s, (int)times).ToString();
        }
        var list = (List<object?>)sequence!;
        budget.CheckSize(list.Count * times);
        var result = new List<object?>();
        for (var i = 0; i < times; i++)
        {
            result.AddRange(list);
        }
        return result;
    }

    private static object Arithmetic(string op, object? a, object? b)
    {
        if (IsInteger(a) && IsInteger(b) && op != "/")
        {
            long x = ToLong(a), y = ToLong(b);
            switch (op)
            {
                case "+": return checked(x + y);
                case "-": return checked(x - y);
                case "*": return checked(x * y);
                case "//":
                    ThrowIfZero(y);
                    return FloorDiv(x, y);
                case "%":
                    ThrowIfZero(y);
                    return x - (FloorDiv(x, y) * y);
                case "**":
                    return y >= 0 ? (object)IntPow(x, y) : Math.Pow(x, y);
                default:
                    break;
            }
        }
        double p = ToDouble(a), q = ToDouble(b);
        switch (op)
        {
            case "+": return p + q;
            case "-": return p - q;
            case "*": return p * q;
            case "/":
                ThrowIfZero(q);
                return p / q;
            case "//":
                ThrowIfZero(q);
                return Math.Floor(p / q);
            case "%":
                ThrowIfZero(q);
                var r = p % q;
                return r != 0 && (r < 0) != (q < 0) ? r + q : r;
            case "**": return Math.Pow(p, q);
            default: throw TypeError($"unsupported operator {op}");
        }
    }

    private static long FloorDiv(long x, long y)
    {
        var q = x / y;
        return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q;
    }

    private static long IntPow(long x, long y)
    {
        long result = 1;
        for (var i = 0; i < y; i++)
        {
            result = checked(result * x);
        }
        return result;
    }

    private static void ThrowIfZero(double divisor)
    {
        if (divisor == 0)
        {
            throw new ChatTemplateException("ZeroDivisionError: division by zero");
        }
    }

    public static object? Negate(object? value) => value switch
    {
        bool b => (object)(b ? -1L : 0L),
        long l => (object)(-l),
        double d => (object)(-d),
        Undefined u => throw u.Fail(),
        _ => throw TypeError($"bad operand type for unary -: '{PyRepr.TypeName(value)}'"),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string t => s.Contains(t, StringComparison.Ordinal),
        string => throw TypeError($"'in <string>' requires string as left operand, not {PyRepr.TypeName(item)}"),
        List<object?> list => list.Exists(x => Equal(x, item)),
        PyTuple t => t.Items.Any(x => Equal(x, item)),
        PyDict d => item is not null && d.ContainsKey(item),
        Namespace ns => item is string key && ns.Attributes.ContainsKey(key),
        Undefined => false,
        _ => throw TypeError($"argument of type '{PyRepr.TypeName(container)}' is not iterable"),
    };

    public static int Length(object? value) => value switch
    {
        string s => PyText.Length(s),
        List<object?> list => list.Count,
        PyTuple t => t.Items.Count,
        PyDict d => d.Count,
        Undefined => 0,
        _ => throw TypeError($"object of type '{PyRepr.TypeName(value)}' has no len()"),
    };

    /// <summary>The items a for loop or filter sees: list/tuple items, dict keys, string code points.</summary>
    public static List<object?> Iterate(object? value) => value switch
    {
        List<object?> list => [.. list],
        PyTuple t => [.. t.Items],
        PyDict d => [.. d.Keys],
        string s => [.. PyText.Runes(s)],
        Namespace => throw TypeError("'Namespace' object is not iterable"),
        Undefined => [],
        _ => throw TypeError($"'{PyRepr.TypeName(value)}' object is not iterable"),
    };

    public static ChatTemplateException TypeError(string message) => new($"TypeError: {message}");
}
