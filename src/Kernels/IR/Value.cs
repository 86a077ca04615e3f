namespace Kernels.IR;

/// <summary>An SSA value: a constant, a kernel parameter, a phi or an instruction result.</summary>
public abstract class Value(IrType type)
{
    /// <summary>Dense number within the function, assigned by <see cref="Function.Renumber"/>.</summary>
    public int Id { get; set; }

    public IrType Type { get; set; } = type;
}
