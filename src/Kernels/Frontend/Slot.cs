namespace Kernels.Frontend;

/// <summary>
/// A translator variable shaped like a CLR type: a scalar is one SSA variable, a struct is one slot per
/// field (recursively), so structs of scalars live entirely in registers.
/// </summary>
internal sealed class Slot
{
    public required Type ClrType { get; init; }

    /// <summary>The SSA variable of a scalar slot; -1 for a struct.</summary>
    public int Variable { get; init; } = -1;

    public Slot[] Fields { get; init; } = [];

    public string[] FieldNames { get; init; } = [];

    public Slot Field(string name, Func<string, Exception> fail)
    {
        var index = Array.IndexOf(FieldNames, name);
        return index >= 0 ? Fields[index] : throw fail($"field '{name}' of {ClrType.Name}");
    }
}
