namespace Kernels.IR;

/// <summary>A φ: its value is <c>Inputs[i]</c> when control arrives from <c>Block.Predecessors[i]</c>.</summary>
public sealed class Phi(IrType type, BasicBlock block) : Value(type)
{
    public BasicBlock Block { get; set; } = block;

    public List<Value> Inputs { get; } = [];
}
