namespace Engine.ChatTemplates.Runtime;

/// <summary>Jinja's <c>loop</c> variable: position in the (already filtered) sequence, neighbours and helpers.</summary>
internal sealed class LoopContext(List<object?> items, int depth0, Func<object?, string>? recurse)
{
    private object? _lastChanged = Undefined.Plain;

    public int Index0 { get; set; }

    public object? GetAttribute(string name) => name switch
    {
        "index0" => (long)Index0,
        "index" => (long)(Index0 + 1),
        "revindex" => (long)(items.Count - Index0),
        "revindex0" => (long)(items.Count - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == items.Count - 1,
        "length" => (long)items.Count,
        "depth" => (long)(depth0 + 1),
        "depth0" => (long)depth0,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new Undefined("UndefinedError: there is no previous item"),
        "nextitem" => Index0 + 1 < items.Count ? items[Index0 + 1] : new Undefined("UndefinedError: there is no next item"),
        "cycle" => new BuiltinFunction("cycle", (_, args) => args.Positional.Count == 0
            ? throw new ChatTemplateException("TypeError: no items for cycling given")
            : args.Positional[Index0 % args.Positional.Count]),
        "changed" => new BuiltinFunction("changed", (_, args) => Changed(args)),
        _ => Undefined.Missing(this, name),
    };

    /// <summary><c>loop(items)</c> inside a <c>recursive</c> for: renders the loop body again one level deeper.</summary>
    public string CallRecursive(object? iterable) =>
        recurse is null ? throw new ChatTemplateException("TypeError: Tried to call non recursive loop. Maybe you forgot the 'recursive' modifier.") : recurse(iterable);

    private bool Changed(CallArgs args)
    {
        var value = new PyTuple([.. args.Positional]);
        if (PyOps.Equal(value, _lastChanged))
        {
            return false;
        }
        _lastChanged = value;
        return true;
    }
}
