namespace Engine.ChatTemplates.Runtime;

/// <summary>An immutable Python tuple.</summary>
internal sealed class PyTuple(IReadOnlyList<object?> items)
{
    public static readonly PyTuple Empty = new([]);

    public IReadOnlyList<object?> Items { get; } = items;
}
