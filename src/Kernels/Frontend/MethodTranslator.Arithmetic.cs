using System.Reflection.Metadata;
using Kernels.IR;
using Constant = Kernels.IR.Constant;

namespace Kernels.Frontend;

/// <summary>Constants, arithmetic, bitwise operations and comparisons (ECMA-335 III.3: add … clt.un).</summary>
internal sealed partial class MethodTranslator
{
    private bool TryArithmetic(IlInstruction ins)
    {
        switch (ins.OpCode)
        {
            case >= ILOpCode.Ldc_i4_m1 and <= ILOpCode.Ldc_i4_8:
                Push(Constant.Int(IrType.I32, (int)ins.OpCode - (int)ILOpCode.Ldc_i4_0));
                return true;
            case ILOpCode.Ldc_i4_s or ILOpCode.Ldc_i4:
                Push(Constant.Int(IrType.I32, ins.Operand));
                return true;
            case ILOpCode.Ldc_i8:
                Push(Constant.Int(IrType.I64, ins.Operand));
                return true;
            case ILOpCode.Ldc_r4:
                Push(Constant.Float((float)ins.FloatOperand));
                return true;
            case ILOpCode.Ldc_r8:
                Push(Constant.Double(ins.FloatOperand));
                return true;
            case ILOpCode.Add: Binary(Opcode.Add); return true;
            case ILOpCode.Sub: Binary(Opcode.Sub); return true;
            case ILOpCode.Mul: Binary(Opcode.Mul); return true;
            case ILOpCode.Div: Binary(Opcode.Div); return true;
            case ILOpCode.Div_un: Binary(Opcode.Div, ArithFlags.Unsigned); return true;
            case ILOpCode.Rem: Binary(Opcode.Rem); return true;
            case ILOpCode.Rem_un: Binary(Opcode.Rem, ArithFlags.Unsigned); return true;
            case ILOpCode.And: Binary(Opcode.And); return true;
            case ILOpCode.Or: Binary(Opcode.Or); return true;
            case ILOpCode.Xor: Binary(Opcode.Xor); return true;
            case ILOpCode.Shl: Shift(ArithFlags.None, Opcode.Shl); return true;
            case ILOpCode.Shr: Shift(ArithFlags.None, Opcode.Shr); return true;
            case ILOpCode.Shr_un: Shift(ArithFlags.Unsigned, Opcode.Shr); return true;
            case ILOpCode.Neg: Push(B.Unary(Opcode.Neg, Pop())); return true;
            case ILOpCode.Not: Push(B.Unary(Opcode.Not, Pop())); return true;
            case ILOpCode.Ceq: Compare(CompareKind.Eq, ArithFlags.None); return true;
            case ILOpCode.Cgt: Compare(CompareKind.Gt, ArithFlags.None); return true;
            case ILOpCode.Cgt_un: Compare(CompareKind.Gt, ArithFlags.Unsigned | ArithFlags.Unordered); return true;
            case ILOpCode.Clt: Compare(CompareKind.Lt, ArithFlags.None); return true;
            case ILOpCode.Clt_un: Compare(CompareKind.Lt, ArithFlags.Unsigned | ArithFlags.Unordered); return true;
            case ILOpCode.Add_ovf or ILOpCode.Add_ovf_un or ILOpCode.Sub_ovf or ILOpCode.Sub_ovf_un or ILOpCode.Mul_ovf or ILOpCode.Mul_ovf_un:
                throw Fail("checked arithmetic (overflow exceptions)");
            default:
                return false;
        }
    }

    private void Binary(Opcode op, ArithFlags flags = ArithFlags.None)
    {
        var b = Pop();
        var a = Pop();
        (a, b) = Unify(a, b);
        Push(B.Binary(op, a, b, flags));
    }

    private void Shift(ArithFlags flags, Opcode op)
    {
        var amount = Pop();
        var value = Pop();
        Push(B.Binary(op, value, B.Convert(amount, IrType.I32), flags));
    }

    /// <summary>ceq/cgt/clt push int32 0 or 1; branches turn that back into a predicate (folded later).</summary>
    private void Compare(CompareKind kind, ArithFlags flags)
    {
        var b = Pop();
        var a = Pop();
        (a, b) = Unify(a, b);
        Push(AsInt(B.Compare(kind, a, b, a.Type.IsFloat ? flags & ArithFlags.Unordered : flags & ArithFlags.Unsigned)));
    }

    private Value AsInt(Value predicate) => B.Select(predicate, Constant.Int(IrType.I32, 1), Constant.Int(IrType.I32, 0));

    /// <summary>
    /// The IL binary-operand rules (III.1.5): int32 with native int widens to 64 bits, pointer plus integer
    /// is pointer arithmetic, and float32 meets float64 as float64 (our F stack type keeps the width).
    /// </summary>
    private (Value A, Value B) Unify(Value a, Value b)
    {
        if (a.Type == b.Type)
        {
            return (a, b);
        }
        if (a.Type.IsPointer && b.Type.IsInteger)
        {
            return (a, B.Convert(b, IrType.I64));
        }
        if (b.Type.IsPointer && a.Type.IsInteger)
        {
            return (B.Convert(a, IrType.I64), b);
        }
        if (a.Type.IsInteger && b.Type.IsInteger)
        {
            return a.Type.Kind == ScalarKind.I64 ? (a, B.Convert(b, IrType.I64)) : (B.Convert(a, IrType.I64), b);
        }
        if (a.Type.IsFloat && b.Type.IsFloat)
        {
            return a.Type.Kind == ScalarKind.F64 ? (a, B.Convert(b, IrType.F64)) : (B.Convert(a, IrType.F64), b);
        }
        throw Fail($"an operation on {a.Type} and {b.Type}");
    }
}
