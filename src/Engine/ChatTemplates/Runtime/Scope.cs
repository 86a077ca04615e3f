namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// A frame of variables. Jinja gives each for-loop iteration, macro call and with-block its own frame over the
/// enclosing one (assignments inside never leak out), while if-blocks share their frame.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);

    public Scope? Parent { get; } = parent;

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._vars.TryGetValue(name, out value))
            {
                return true;
            }
        }
        value = null;
        return false;
    }

    public void Set(string name, object? value) => _vars[name] = value;
}
