namespace Kernels.IR;

/// <summary>Appends instructions to the current block of a function and keeps predecessor lists in step with branches.</summary>
public sealed class IrBuilder(Function function)
{
    public Function Function { get; } = function;

    public BasicBlock? Block { get; set; }

    /// <summary>True when the current block already ends (code after it is unreachable until a new block is set).</summary>
    public bool IsTerminated => Block is null || Block.Terminator is not null;

    public Instruction Append(Instruction instruction)
    {
        var block = Block ?? throw new InvalidOperationException("IrBuilder has no current block.");
        if (block.Terminator is not null)
        {
            throw new InvalidOperationException($"Block {block.Label} is already terminated.");
        }
        instruction.Block = block;
        if (instruction.IsTerminator)
        {
            block.Terminator = instruction;
            foreach (var target in instruction.Targets)
            {
                target.Predecessors.Add(block);
            }
        }
        else
        {
            block.Instructions.Add(instruction);
        }
        return instruction;
    }

    public Value Binary(Opcode op, Value a, Value b, ArithFlags flags = ArithFlags.None) =>
        Append(new Instruction(op, a.Type, [a, b], (int)flags));

    public Value Unary(Opcode op, Value a, ArithFlags flags = ArithFlags.None) =>
        Append(new Instruction(op, a.Type, [a], (int)flags));

    public Value Fma(Value a, Value b, Value c) => Append(new Instruction(Opcode.Fma, a.Type, [a, b, c]));

    public Value Compare(CompareKind kind, Value a, Value b, ArithFlags flags = ArithFlags.None) =>
        Append(new Instruction(Opcode.Compare, IrType.Pred, [a, b], ((int)kind << 4) | (int)flags));

    public Value Select(Value condition, Value ifTrue, Value ifFalse) =>
        Append(new Instruction(Opcode.Select, ifTrue.Type, [condition, ifTrue, ifFalse]));

    public Value Convert(Value value, IrType to, ConvertFlags flags = ConvertFlags.None) =>
        value.Type == to ? value : Append(new Instruction(Opcode.Convert, to, [value], (int)flags));

    public Value Bitcast(Value value, IrType to) =>
        value.Type == to ? value : Append(new Instruction(Opcode.Bitcast, to, [value]));

    public Value Load(Value pointer, IrType memoryType, IrType registerType, bool signed) =>
        Append(new Instruction(Opcode.Load, registerType, [pointer], signed ? 1 : 0) { MemoryType = memoryType, Space = pointer.Type.Space });

    public void Store(Value pointer, Value value, IrType memoryType) =>
        Append(new Instruction(Opcode.Store, IrType.Void, [pointer, value]) { MemoryType = memoryType, Space = pointer.Type.Space });

    public Value Special(SpecialRegister register) =>
        Append(new Instruction(Opcode.SpecialRegister, IrType.I32, [], (int)register));

    public Value Extract(Value tuple, int index) =>
        Append(new Instruction(Opcode.Extract, IrType.Scalar(tuple.Type.Element), [tuple], index));

    public void Branch(BasicBlock target) =>
        Append(new Instruction(Opcode.Branch, IrType.Void, []) { Targets = [target] });

    public void CondBranch(Value condition, BasicBlock ifTrue, BasicBlock ifFalse) =>
        Append(new Instruction(Opcode.CondBranch, IrType.Void, [condition]) { Targets = [ifTrue, ifFalse] });

    public void Return() => Append(new Instruction(Opcode.Return, IrType.Void, []));

    public static CompareKind CompareKindOf(Instruction compare) => (CompareKind)(compare.Aux >> 4);

    public static ArithFlags CompareFlagsOf(Instruction compare) => (ArithFlags)(compare.Aux & 0xF);
}
