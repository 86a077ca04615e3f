namespace Kernels.IR;

/// <summary>A basic block: φs, then straight-line instructions, then exactly one terminator.</summary>
public sealed class BasicBlock(int id)
{
    public int Id { get; set; } = id;

    public List<Phi> Phis { get; } = [];

    public List<Instruction> Instructions { get; } = [];

    public List<BasicBlock> Predecessors { get; } = [];

    public Instruction? Terminator { get; set; }

    public IReadOnlyList<BasicBlock> Successors => Terminator?.Targets ?? [];

    public string Label => $"BB{Id}";

    public override string ToString() => Label;
}
