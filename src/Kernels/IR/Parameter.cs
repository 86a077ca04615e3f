namespace Kernels.IR;

/// <summary>One flattened kernel parameter (a view contributes a pointer and a length).</summary>
public sealed class Parameter(IrType type, int index, string name) : Value(type)
{
    public int Index { get; } = index;

    public string Name { get; } = name;

    /// <summary>The kernel method argument this parameter flattens.</summary>
    public int ArgumentIndex { get; init; }

    /// <summary>The struct fields from that argument down to this scalar (empty for a scalar argument).</summary>
    public IReadOnlyList<string> FieldPath { get; init; } = [];
}
