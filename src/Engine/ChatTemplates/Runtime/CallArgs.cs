namespace Engine.ChatTemplates.Runtime;

/// <summary>Evaluated call arguments, with Python-style binding helpers for builtins.</summary>
internal sealed class CallArgs(List<object?> positional, List<KeyValuePair<string, object?>> keyword)
{
    public static readonly CallArgs Empty = new([], []);

    public List<object?> Positional { get; } = positional;

    public List<KeyValuePair<string, object?>> Keyword { get; } = keyword;

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int index, string name, object? fallback = null)
    {
        if (index >= 0 && index < Positional.Count)
        {
            return Positional[index];
        }
        foreach (var (key, value) in Keyword)
        {
            if (key == name)
            {
                return value;
            }
        }
        return fallback;
    }

    public bool Has(int index, string name) =>
        (index >= 0 && index < Positional.Count) || Keyword.Exists(k => k.Key == name);

    public object? Required(int index, string name, string function) =>
        Has(index, name) ? Get(index, name) : throw new ChatTemplateException($"TypeError: {function}() missing required argument '{name}'");
}
