using System.Reflection.Metadata;
using Kernels.IR;
using Constant = Kernels.IR.Constant;

namespace Kernels.Frontend;

/// <summary>br, conditional branches, compare-and-branch, switch and ret.</summary>
internal sealed partial class MethodTranslator
{
    private bool TryBranch(IlInstruction ins)
    {
        switch (ins.OpCode)
        {
            case ILOpCode.Br or ILOpCode.Br_s:
                SpillStack(ins.Targets![0]);
                B.Branch(BlockAt(ins.Targets[0]));
                return true;
            case ILOpCode.Brtrue or ILOpCode.Brtrue_s:
                ConditionalBranch(IsNonZero(Pop()), ins);
                return true;
            case ILOpCode.Brfalse or ILOpCode.Brfalse_s:
                ConditionalBranch(B.Unary(Opcode.Not, IsNonZero(Pop())), ins);
                return true;
            case ILOpCode.Beq or ILOpCode.Beq_s: CompareBranch(CompareKind.Eq, ArithFlags.None, ins); return true;
            case ILOpCode.Bne_un or ILOpCode.Bne_un_s: CompareBranch(CompareKind.Ne, ArithFlags.Unsigned | ArithFlags.Unordered, ins); return true;
            case ILOpCode.Blt or ILOpCode.Blt_s: CompareBranch(CompareKind.Lt, ArithFlags.None, ins); return true;
            case ILOpCode.Blt_un or ILOpCode.Blt_un_s: CompareBranch(CompareKind.Lt, ArithFlags.Unsigned | ArithFlags.Unordered, ins); return true;
            case ILOpCode.Ble or ILOpCode.Ble_s: CompareBranch(CompareKind.Le, ArithFlags.None, ins); return true;
            case ILOpCode.Ble_un or ILOpCode.Ble_un_s: CompareBranch(CompareKind.Le, ArithFlags.Unsigned | ArithFlags.Unordered, ins); return true;
            case ILOpCode.Bgt or ILOpCode.Bgt_s: CompareBranch(CompareKind.Gt, ArithFlags.None, ins); return true;
            case ILOpCode.Bgt_un or ILOpCode.Bgt_un_s: CompareBranch(CompareKind.Gt, ArithFlags.Unsigned | ArithFlags.Unordered, ins); return true;
            case ILOpCode.Bge or ILOpCode.Bge_s: CompareBranch(CompareKind.Ge, ArithFlags.None, ins); return true;
            case ILOpCode.Bge_un or ILOpCode.Bge_un_s: CompareBranch(CompareKind.Ge, ArithFlags.Unsigned | ArithFlags.Unordered, ins); return true;
            case ILOpCode.Switch:
                Switch(ins);
                return true;
            case ILOpCode.Ret:
                Return();
                return true;
            case ILOpCode.Leave or ILOpCode.Leave_s or ILOpCode.Endfinally or ILOpCode.Endfilter:
                throw Fail("exception handling (leave/endfinally)");
            default:
                return false;
        }
    }

    private Value IsNonZero(Value value) =>
        B.Compare(CompareKind.Ne, value, Constant.Zero(value.Type), ArithFlags.None);

    private void CompareBranch(CompareKind kind, ArithFlags flags, IlInstruction ins)
    {
        var b = Pop();
        var a = Pop();
        (a, b) = Unify(a, b);
        ConditionalBranch(B.Compare(kind, a, b, a.Type.IsFloat ? flags & ArithFlags.Unordered : flags & ArithFlags.Unsigned), ins);
    }

    private void ConditionalBranch(Value condition, IlInstruction ins)
    {
        SpillStack(ins.Targets![0]);
        SpillStack(ins.NextOffset);
        B.CondBranch(condition, BlockAt(ins.Targets[0]), BlockAt(ins.NextOffset));
    }

    /// <summary>switch: a chain of equality tests, then the fall-through.</summary>
    private void Switch(IlInstruction ins)
    {
        var selector = Pop();
        var targets = ins.Targets!;
        for (var i = 0; i < targets.Length; i++)
        {
            SpillStack(targets[i]);
            var next = _k.Function.NewBlock();
            B.CondBranch(B.Compare(CompareKind.Eq, selector, Constant.Int(IrType.I32, i)), BlockAt(targets[i]), next);
            B.Block = next;
        }
        SpillStack(ins.NextOffset);
        B.Branch(BlockAt(ins.NextOffset));
    }

    private void Return()
    {
        if (_returnSlot is not null)
        {
            _k.WriteSlot(_returnSlot, PopAny(), Fail);
        }
        if (_exit is null)
        {
            B.Return();
        }
        else
        {
            B.Branch(_exit);
        }
    }
}
