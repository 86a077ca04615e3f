namespace Kernels.IR;

/// <summary>
/// Checks the SSA invariants: every block ends in one terminator, predecessor lists match the branches,
/// each φ has one input per predecessor, every operand is defined in a block that dominates its use
/// (for φ inputs: dominates the end of that predecessor), and operand types fit the opcode.
/// </summary>
public static class Verifier
{
    public static void Verify(Function function, string after = "construction")
    {
        void Check(bool condition, string message)
        {
            if (!condition)
            {
                throw new IrVerificationException($"IR of '{function.Name}' is invalid after {after}: {message}");
            }
        }
        var blocks = function.Blocks.ToHashSet();
        Check(function.Blocks.Count > 0, "no blocks");
        foreach (var block in function.Blocks)
        {
            Check(block.Terminator is not null, $"{block} has no terminator");
            foreach (var successor in block.Successors)
            {
                Check(blocks.Contains(successor), $"{block} branches to a block outside the function");
                Check(successor.Predecessors.Count(p => p == block) == block.Successors.Count(s => s == successor),
                    $"{successor}'s predecessors do not list {block} once per edge");
            }
            foreach (var predecessor in block.Predecessors)
            {
                Check(blocks.Contains(predecessor) && predecessor.Successors.Contains(block), $"{block} lists {predecessor} as predecessor without an edge");
            }
            foreach (var phi in block.Phis)
            {
                Check(phi.Inputs.Count == block.Predecessors.Count, $"φ %{phi.Id} in {block} has {phi.Inputs.Count} inputs for {block.Predecessors.Count} predecessors");
                Check(phi.Block == block, $"φ %{phi.Id} names the wrong block");
                foreach (var input in phi.Inputs)
                {
                    Check(SameRegister(input.Type, phi.Type), $"φ %{phi.Id} ({phi.Type}) has an input of type {input.Type}");
                }
            }
        }
        var dominators = Dominators.Compute(function);
        var position = new Dictionary<Value, (BasicBlock Block, int Index)>();
        foreach (var block in function.Blocks)
        {
            foreach (var phi in block.Phis)
            {
                position[phi] = (block, -1);
            }
            var index = 0;
            foreach (var instruction in Function.AllOf(block))
            {
                position[instruction] = (block, index++);
            }
        }
        var parameters = function.Parameters.ToHashSet<Value>();
        bool Available(Value value, BasicBlock block, int index)
        {
            if (value is Constant || parameters.Contains(value))
            {
                return true;
            }
            if (!position.TryGetValue(value, out var def))
            {
                return false;
            }
            return def.Block == block ? def.Index < index : dominators.Dominates(def.Block, block);
        }
        foreach (var block in function.Blocks)
        {
            if (!dominators.IsReachable(block))
            {
                continue;
            }
            foreach (var phi in block.Phis)
            {
                for (var i = 0; i < phi.Inputs.Count; i++)
                {
                    Check(Available(phi.Inputs[i], block.Predecessors[i], int.MaxValue), $"φ %{phi.Id} input {i} is not defined on the edge from {block.Predecessors[i]}");
                }
            }
            var index = 0;
            foreach (var instruction in Function.AllOf(block))
            {
                Check(instruction.Block == block, $"%{instruction.Id} ({instruction.Op}) names the wrong block");
                foreach (var operand in instruction.Operands)
                {
                    Check(Available(operand, block, index), $"%{instruction.Id} ({instruction.Op}) in {block} uses %{operand.Id}, which does not dominate it");
                }
                if (TypeError(instruction) is { } error)
                {
                    Check(false, $"%{instruction.Id} ({instruction.Op}) in {block}: {error}");
                }
                index++;
            }
        }
    }

    private static bool SameRegister(IrType a, IrType b) => a == b || (a.IsPointer && b.IsPointer && (a.Space == AddressSpace.None || b.Space == AddressSpace.None));

    private static string? TypeError(Instruction instruction)
    {
        var ops = instruction.Operands;
        var type = instruction.Type;
        switch (instruction.Op)
        {
            case Opcode.Add or Opcode.Sub when type.IsPointer:
                return ops[1].Type.Kind == ScalarKind.I64 ? null : "pointer arithmetic needs an i64 offset";
            case Opcode.Add or Opcode.Sub or Opcode.Mul or Opcode.Div or Opcode.Rem or Opcode.And or Opcode.Or or Opcode.Xor or Opcode.Min or Opcode.Max:
                return ops.Length == 2 && ops[0].Type == type && ops[1].Type == type ? null : $"operands {ops[0].Type}, {ops[1].Type} for result {type}";
            case Opcode.Shl or Opcode.Shr:
                return ops[0].Type == type && ops[1].Type.Kind == ScalarKind.I32 ? null : "shift needs a value of the result type and an i32 count";
            case Opcode.Compare:
                return type.Kind == ScalarKind.Pred && SameRegister(ops[0].Type, ops[1].Type) ? null : $"compare of {ops[0].Type} with {ops[1].Type}";
            case Opcode.Select:
                return ops[0].Type.Kind == ScalarKind.Pred && ops[1].Type == type && ops[2].Type == type ? null : "select needs a pred and two values of the result type";
            case Opcode.CondBranch:
                return ops[0].Type.Kind == ScalarKind.Pred ? null : "a conditional branch needs a pred";
            case Opcode.Load or Opcode.Store or Opcode.Atomic or Opcode.LoadVector4 or Opcode.StoreVector4 or Opcode.LdMatrix:
                return ops[0].Type.IsPointer && ops[0].Type.Space != AddressSpace.None ? null : "a memory access needs a global or shared pointer";
            case Opcode.Extract:
                return ops[0].Type.Kind == ScalarKind.Tuple && instruction.Aux < ops[0].Type.Count ? null : "extract from a non-tuple or past its end";
            case Opcode.Fma:
                return ops.All(o => o.Type == type) ? null : "fma operands differ from the result type";
            default:
                return null;
        }
    }
}
