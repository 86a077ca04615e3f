namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Jinja's sandboxed attribute and item lookup. <c>x.y</c> tries the attribute (a str/dict/list method) and
/// then the item <c>x['y']</c>; <c>x[k]</c> tries the item and then, for string keys, the attribute. Missing
/// yields Undefined; looking into Undefined raises. Mutating methods (<c>list.append</c>, <c>dict.update</c>)
/// are unsafe in the ImmutableSandboxedEnvironment: they yield an undefined that raises SecurityError when called.
/// </summary>
internal static class Lookup
{
    private static readonly HashSet<string> UnsafeListMethods = ["append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"];
    private static readonly HashSet<string> UnsafeDictMethods = ["pop", "popitem", "setdefault", "update", "clear"];

    public static object? GetAttr(object? target, string name)
    {
        switch (target)
        {
            case Undefined u:
                throw u.Fail();
            case PyDict dict:
                if (Methods.IsDictMethod(name))
                {
                    return Methods.Bind(dict, name);
                }
                if (UnsafeDictMethods.Contains(name))
                {
                    return Undefined.Unsafe(dict, name);
                }
                return dict.TryGetValue(name, out var value) ? value : Undefined.Missing(dict, name);
            case string s when Methods.IsStringMethod(name):
                return Methods.Bind(s, name);
            case List<object?> list when Methods.IsListMethod(name):
                return Methods.Bind(list, name);
            case List<object?> list when UnsafeListMethods.Contains(name):
                return Undefined.Unsafe(list, name);
            case PyTuple tuple when name is "index" or "count":
                return Methods.Bind(tuple, name);
            case PyTuple { FieldNames: { } names } named when names.Contains(name):
                return named.Items[names.ToList().IndexOf(name)];
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out var attr) ? attr : Undefined.Missing(ns, name);
            case LoopContext loop:
                return loop.GetAttribute(name);
            default:
                return Undefined.Missing(target, name);
        }
    }

    /// <summary>Python's bare getattr (Jinja's <c>attr</c> filter): no fallback to items, so dict keys are not attributes.</summary>
    public static object? GetAttrOnly(object? target, string name) =>
        target is PyDict dict && !Methods.IsDictMethod(name) ? Undefined.Missing(dict, name) : GetAttr(target, name);

    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case Undefined u:
                throw u.Fail();
            case PyDict dict:
                if (key is not null && key is not (List<object?> or PyDict) && dict.TryGetValue(key, out var value))
                {
                    return value;
                }
                return key is string name ? GetAttr(dict, name) : Undefined.Missing(dict, PyRepr.Str(key));
            case List<object?> or PyTuple or string when key is long or bool:
                return Index(target, key is bool b ? (b ? 1 : 0) : (long)key);
            default:
                return key is string attribute ? GetAttr(target, attribute) : new Undefined($"UndefinedError: '{PyRepr.TypeName(target)} object' has no element {PyRepr.Repr(key)}");
        }
    }

    private static object? Index(object? sequence, long index)
    {
        IReadOnlyList<object?> items = sequence switch
        {
            string s => PyText.Runes(s).ConvertAll(x => (object?)x),
            PyTuple tuple => tuple.Items,
            _ => (List<object?>)sequence!,
        };
        var i = index < 0 ? index + items.Count : index;
        if (i < 0 || i >= items.Count)
        {
            return new Undefined($"UndefinedError: '{PyRepr.TypeName(sequence)} object' has no element {index}");
        }
        return items[(int)i];
    }

    /// <summary>Python's <c>seq[start:stop:step]</c> for lists, tuples and strings (by code point).</summary>
    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        if (target is Undefined u)
        {
            throw u.Fail();
        }
        var items = target switch
        {
            string s => PyText.Runes(s).ConvertAll(x => (object?)x),
            List<object?> list => list,
            PyTuple tuple => [.. tuple.Items],
            _ => throw PyOps.TypeError($"'{PyRepr.TypeName(target)}' object is not subscriptable"),
        };
        var stepValue = SliceBound(step) ?? 1;
        if (stepValue == 0)
        {
            throw new ChatTemplateException("ValueError: slice step cannot be zero");
        }
        var n = (long)items.Count;
        long lo, hi;
        if (stepValue > 0)
        {
            lo = Clamp(SliceBound(start) ?? 0, n, 0, n);
            hi = Clamp(SliceBound(stop) ?? n, n, 0, n);
        }
        else
        {
            lo = Clamp(SliceBound(start) ?? (n - 1), n, -1, n - 1);
            hi = Clamp(SliceBound(stop) ?? -n - 1, n, -1, n - 1);
        }
        var result = new List<object?>();
        for (var i = lo; stepValue > 0 ? i < hi : i > hi; i += stepValue)
        {
            result.Add(items[(int)i]);
        }
        return target switch
        {
            string => string.Concat(result.Cast<string>()),
            PyTuple => new PyTuple(result),
            _ => result,
        };
    }

    // CPython's PySlice_AdjustIndices: negative bounds count from the end, then clamp into [low, high].
    private static long Clamp(long index, long n, long low, long high)
    {
        if (index < 0)
        {
            index += n;
        }
        return Math.Clamp(index, low, high);
    }

    private static long? SliceBound(object? value) => value switch
    {
        null => null,
        long l => l,
        bool b => b ? 1 : 0,
        Undefined u => throw u.Fail(),
        _ => throw PyOps.TypeError("slice indices must be integers or None"),
    };
}
