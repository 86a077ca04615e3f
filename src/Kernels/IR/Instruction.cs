namespace Kernels.IR;

/// <summary>
/// One IR operation. <see cref="Aux"/> holds the variant enum of the opcode, <see cref="MemoryType"/> the
/// in-memory type of loads, stores and atomics, and <see cref="Targets"/> the successors of terminators.
/// </summary>
public sealed class Instruction(Opcode op, IrType type, Value[] operands, int aux = 0) : Value(type)
{
    public Opcode Op { get; } = op;

    public Value[] Operands { get; } = operands;

    public int Aux { get; set; } = aux;

    public IrType MemoryType { get; init; }

    /// <summary>Memory space of Load/Store/Atomic/LoadVector4/StoreVector4/LdMatrix.</summary>
    public AddressSpace Space { get; init; }

    public BasicBlock[] Targets { get; set; } = [];

    public BasicBlock? Block { get; set; }

    public bool IsTerminator => Op is Opcode.Branch or Opcode.CondBranch or Opcode.Return;

    /// <summary>True when removing an unused instance changes nothing observable.</summary>
    public bool IsPure => Op switch
    {
        Opcode.Store or Opcode.StoreVector4 or Opcode.Atomic or Opcode.Barrier or Opcode.Shuffle or Opcode.Vote
            or Opcode.Mma or Opcode.LdMatrix or Opcode.Branch or Opcode.CondBranch or Opcode.Return => false,
        _ => true,
    };

    public ArithFlags Flags => (ArithFlags)Aux;
}
