using System.Text;

namespace Kernels.IR;

/// <summary>A readable listing of a function: <c>%5:f32 = Add %3, %4</c>, one block per paragraph.</summary>
public static class Printer
{
    public static string Print(Function function)
    {
        function.Renumber();
        var text = new StringBuilder();
        text.Append("kernel ").Append(function.Name).Append('(')
            .AppendJoin(", ", function.Parameters.Select(p => $"%{p.Id}:{p.Type} {p.Name}")).AppendLine(")");
        foreach (var allocation in function.SharedAllocations)
        {
            text.AppendLine($"  shared #{allocation.Index}: {allocation.Element} x {allocation.Count} at {allocation.Offset}");
        }
        foreach (var block in function.Blocks)
        {
            text.Append(block.Label).Append(':');
            if (block.Predecessors.Count > 0)
            {
                text.Append("  ; preds ").AppendJoin(", ", block.Predecessors.Select(p => p.Label));
            }
            text.AppendLine();
            foreach (var phi in block.Phis)
            {
                text.AppendLine($"  %{phi.Id}:{phi.Type} = phi {string.Join(", ", phi.Inputs.Select((v, i) => $"[{Operand(v)}, {block.Predecessors[i].Label}]"))}");
            }
            foreach (var instruction in Function.AllOf(block))
            {
                text.Append("  ");
                if (instruction.Type.Kind != ScalarKind.Void)
                {
                    text.Append($"%{instruction.Id}:{instruction.Type} = ");
                }
                text.Append(instruction.Op);
                if (AuxName(instruction) is { } aux)
                {
                    text.Append('.').Append(aux);
                }
                if (instruction.Space != AddressSpace.None)
                {
                    text.Append('.').Append(instruction.Space.ToString().ToLowerInvariant());
                }
                if (instruction.Operands.Length > 0)
                {
                    text.Append(' ').AppendJoin(", ", instruction.Operands.Select(Operand));
                }
                if (instruction.Targets.Length > 0)
                {
                    text.Append(" -> ").AppendJoin(", ", instruction.Targets.Select(t => t.Label));
                }
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    private static string? AuxName(Instruction instruction) => instruction.Op switch
    {
        Opcode.Compare => IrBuilder.CompareKindOf(instruction).ToString().ToLowerInvariant()
            + (IrBuilder.CompareFlagsOf(instruction) == ArithFlags.None ? string.Empty : "." + IrBuilder.CompareFlagsOf(instruction).ToString().ToLowerInvariant().Replace(", ", ".", StringComparison.Ordinal)),
        Opcode.SpecialRegister => ((SpecialRegister)instruction.Aux).ToString().ToLowerInvariant(),
        Opcode.Shuffle => ((ShuffleMode)instruction.Aux).ToString().ToLowerInvariant(),
        Opcode.Vote => ((VoteMode)instruction.Aux).ToString().ToLowerInvariant(),
        Opcode.Atomic => ((AtomicOp)(instruction.Aux & 0xFF)).ToString().ToLowerInvariant() + ((instruction.Aux & 0x100) != 0 ? ".unsigned" : string.Empty),
        Opcode.Mma => ((MmaKind)instruction.Aux).ToString().ToLowerInvariant(),
        Opcode.LdMatrix => ((LdMatrixKind)instruction.Aux).ToString().ToLowerInvariant(),
        Opcode.Convert => instruction.Aux == 0 ? null : ((ConvertFlags)instruction.Aux).ToString().ToLowerInvariant().Replace(", ", ".", StringComparison.Ordinal),
        Opcode.Load => instruction.Aux != 0 ? "signed" : null,
        Opcode.SharedBase => instruction.Aux < 0 ? "dynamic" : "#" + instruction.Aux.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ when instruction.Aux != 0 => instruction.Op is Opcode.Extract ? instruction.Aux.ToString(System.Globalization.CultureInfo.InvariantCulture) : ((ArithFlags)instruction.Aux).ToString().ToLowerInvariant(),
        _ => null,
    };

    private static string Operand(Value value) => value switch
    {
        Constant c when c.Type.Kind == ScalarKind.F32 => c.AsSingle.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f",
        Constant c when c.Type.Kind == ScalarKind.F64 => c.AsDouble.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        Constant c => c.AsInt64.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => $"%{value.Id}",
    };
}
