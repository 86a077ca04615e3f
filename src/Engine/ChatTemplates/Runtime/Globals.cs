namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// The global functions a chat template can call: Jinja's <c>range</c> (capped at the sandbox's 100000 items),
/// <c>dict</c> and <c>namespace</c>, plus transformers' <c>raise_exception(message)</c> and
/// <c>strftime_now(format)</c>. Jinja's <c>cycler</c>, <c>joiner</c> and <c>lipsum</c> are left out: no shipped
/// chat template uses them.
/// </summary>
internal static class Globals
{
    // Jinja's sandbox refuses ranges longer than MAX_RANGE.
    private const long MaxRange = 100_000;

    public static void Register(Scope scope)
    {
        scope.Set("range", new BuiltinFunction("range", (_, args) => Range(args)));
        scope.Set("dict", new BuiltinFunction("dict", (_, args) => Dict(args)));
        scope.Set("namespace", new BuiltinFunction("namespace", (_, args) => NewNamespace(args)));
        scope.Set("raise_exception", new BuiltinFunction("raise_exception", (_, args) =>
            throw ChatTemplateException.Raised(PyRepr.Str(args.Get(0, "message")))));
        scope.Set("strftime_now", new BuiltinFunction("strftime_now", (interpreter, args) =>
            Strftime.Format(interpreter.Clock.GetLocalNow().DateTime, PyRepr.Str(args.Get(0, "format")))));
    }

    private static List<object?> Range(CallArgs args)
    {
        var numbers = args.Positional.ConvertAll(x => x switch
        {
            long l => l,
            bool b => b ? 1L : 0L,
            _ => throw PyOps.TypeError($"'{PyRepr.TypeName(x)}' object cannot be interpreted as an integer"),
        });
        var (start, stop, step) = numbers.Count switch
        {
            1 => (0L, numbers[0], 1L),
            2 => (numbers[0], numbers[1], 1L),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => throw PyOps.TypeError($"range expected 1 to 3 arguments, got {numbers.Count}"),
        };
        if (step == 0)
        {
            throw new ChatTemplateException("ValueError: range() arg 3 must not be zero");
        }
        var count = step > 0 ? Math.Max(0, (stop - start + step - 1) / step) : Math.Max(0, (start - stop - step - 1) / -step);
        if (count > MaxRange)
        {
            throw new ChatTemplateException($"OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
        }
        var result = new List<object?>((int)count);
        for (var i = 0L; i < count; i++)
        {
            result.Add(start + (i * step));
        }
        return result;
    }

    private static PyDict Dict(CallArgs args)
    {
        var dict = new PyDict();
        if (args.Positional.Count > 0)
        {
            switch (args.Positional[0])
            {
                case PyDict source:
                    foreach (var (k, v) in source)
                    {
                        dict[k] = v;
                    }
                    break;
                case var pairs:
                    foreach (var pair in PyOps.Iterate(pairs))
                    {
                        var kv = PyOps.Iterate(pair);
                        dict[kv[0] ?? throw PyOps.TypeError("None key")] = kv[1];
                    }
                    break;
            }
        }
        foreach (var (k, v) in args.Keyword)
        {
            dict[k] = v;
        }
        return dict;
    }

    private static Namespace NewNamespace(CallArgs args)
    {
        var ns = new Namespace();
        foreach (var (k, v) in Dict(args))
        {
            ns.Attributes[PyRepr.Str(k)] = v;
        }
        return ns;
    }
}
