namespace Engine.ChatTemplates.Runtime;

/// <summary>An immutable Python tuple; <see cref="FieldNames"/> makes it a namedtuple (groupby's grouper/list).</summary>
internal sealed class PyTuple(IReadOnlyList<object?> items, IReadOnlyList<string>? fieldNames = null)
{
    public static readonly PyTuple Empty = new([]);

    public IReadOnlyList<object?> Items { get; } = items;

    public IReadOnlyList<string>? FieldNames { get; } = fieldNames;
}
