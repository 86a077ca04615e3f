using Kernels.IR;

namespace Kernels.Passes;

/// <summary>
/// Replaces pure scalar instructions whose operands are constants by their value (specialisation constants
/// arrive here as constants after inlining), and applies the algebraic identities the frontend leaves behind:
/// <c>(select p, 1, 0) != 0 → p</c>, <c>not (not p) → p</c>, <c>x + 0</c>, <c>x * 1</c>, <c>x * 0</c> on integers.
/// </summary>
public sealed class ConstantFolding : IPass
{
    public string Name => "constant-folding";

    public bool Run(Function function)
    {
        var replacements = new Dictionary<Value, Value>();
        foreach (var instruction in function.AllInstructions().ToList())
        {
            if (!Semantics.IsScalarPure(instruction.Op))
            {
                continue;
            }
            if (ConstantEvaluator.TryFold(instruction) is { } bits)
            {
                replacements[instruction] = new Constant(instruction.Type, bits);
            }
            else if (Simplify(instruction) is { } simpler)
            {
                replacements[instruction] = simpler;
            }
        }
        function.ReplaceUses(replacements);
        return replacements.Count > 0;
    }

    private static Value? Simplify(Instruction instruction)
    {
        var ops = instruction.Operands;
        switch (instruction.Op)
        {
            case Opcode.Compare when ops[0] is Instruction { Op: Opcode.Select } select && IsInt(ops[1], 0)
                && IsInt(select.Operands[1], 1) && IsInt(select.Operands[2], 0):
                {
                    // (p ? 1 : 0) != 0 is p; (p ? 1 : 0) == 0 is !p (the frontend's bool round trip).
                    var kind = IrBuilder.CompareKindOf(instruction);
                    if (kind == CompareKind.Ne)
                    {
                        return select.Operands[0];
                    }
                    if (kind == CompareKind.Eq)
                    {
                        return NotOf(instruction, select.Operands[0]);
                    }
                    return null;
                }
            case Opcode.Not when ops[0] is Instruction { Op: Opcode.Not } inner && instruction.Type.Kind == ScalarKind.Pred:
                return inner.Operands[0];
            case Opcode.Add or Opcode.Or or Opcode.Xor when !instruction.Type.IsFloat && IsInt(ops[1], 0):
                return ops[0];
            case Opcode.Add when !instruction.Type.IsFloat && IsInt(ops[0], 0):
                return ops[1];
            case Opcode.Sub or Opcode.Shl or Opcode.Shr when !instruction.Type.IsFloat && IsInt(ops[1], 0):
                return ops[0];
            case Opcode.Mul or Opcode.Div when !instruction.Type.IsFloat && IsInt(ops[1], 1):
                return ops[0];
            case Opcode.Mul when !instruction.Type.IsFloat && IsInt(ops[0], 1):
                return ops[1];
            case Opcode.Select when ops[1] == ops[2]:
                return ops[1];
            default:
                return null;
        }
    }

    /// <summary>A new not.pred placed just before <paramref name="at"/>.</summary>
    private static Instruction NotOf(Instruction at, Value predicate)
    {
        var block = at.Block!;
        var not = new Instruction(Opcode.Not, IrType.Pred, [predicate]) { Block = block };
        block.Instructions.Insert(block.Instructions.IndexOf(at), not);
        return not;
    }

    private static bool IsInt(Value value, long expected) => value is Constant c && !c.Type.IsFloat && c.AsInt64 == expected;
}
