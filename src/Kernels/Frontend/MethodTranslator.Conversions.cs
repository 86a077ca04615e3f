using System.Reflection.Metadata;
using Kernels.IR;
using Constant = Kernels.IR.Constant;

namespace Kernels.Frontend;

/// <summary>conv.* (ECMA-335 III.3.27): integer widening/narrowing, int ↔ float (toward zero), float widths.</summary>
internal sealed partial class MethodTranslator
{
    private bool TryConversion(IlInstruction ins)
    {
        switch (ins.OpCode)
        {
            case ILOpCode.Conv_i1: Narrow(8, signed: true); return true;
            case ILOpCode.Conv_u1: Narrow(8, signed: false); return true;
            case ILOpCode.Conv_i2: Narrow(16, signed: true); return true;
            case ILOpCode.Conv_u2: Narrow(16, signed: false); return true;
            case ILOpCode.Conv_i4: Push(ToInt(Pop(), IrType.I32, signed: true)); return true;
            case ILOpCode.Conv_u4: Push(ToInt(Pop(), IrType.I32, signed: false)); return true;
            case ILOpCode.Conv_i8 or ILOpCode.Conv_i: Push(ToInt(Pop(), IrType.I64, signed: true)); return true;
            case ILOpCode.Conv_u8 or ILOpCode.Conv_u: Push(ToInt(Pop(), IrType.I64, signed: false)); return true;
            case ILOpCode.Conv_r4: Push(ToFloat(Pop(), IrType.F32, unsignedSource: false)); return true;
            case ILOpCode.Conv_r8: Push(ToFloat(Pop(), IrType.F64, unsignedSource: false)); return true;
            case ILOpCode.Conv_r_un: Push(ToFloat(Pop(), IrType.F64, unsignedSource: true)); return true;
            case >= ILOpCode.Conv_ovf_i1_un and <= ILOpCode.Conv_ovf_u_un:
            case >= ILOpCode.Conv_ovf_i1 and <= ILOpCode.Conv_ovf_u8:
            case ILOpCode.Conv_ovf_i or ILOpCode.Conv_ovf_u:
                throw Fail("checked conversion (overflow exceptions)");
            default:
                return false;
        }
    }

    /// <summary>
    /// conv.i8 sign-extends and conv.u8 zero-extends an int32 (the source's signedness is the opcode's);
    /// from a float both truncate toward zero.
    /// </summary>
    private Value ToInt(Value value, IrType to, bool signed)
    {
        if (value.Type.IsPointer)
        {
            value = B.Bitcast(value, IrType.I64);
        }
        if (value.Type.IsFloat)
        {
            return B.Convert(value, to, signed ? ConvertFlags.None : ConvertFlags.DestUnsigned);
        }
        if (!value.Type.IsInteger)
        {
            throw Fail($"a conversion from {value.Type} to an integer");
        }
        var flags = signed ? ConvertFlags.None : ConvertFlags.SourceUnsigned | ConvertFlags.DestUnsigned;
        return B.Convert(value, to, flags);
    }

    private Value ToFloat(Value value, IrType to, bool unsignedSource)
    {
        if (value.Type.IsFloat)
        {
            return value.Type.Kind is ScalarKind.F16 or ScalarKind.BF16 ? throw Fail("arithmetic conversion of a 16-bit float (use Convert16)") : B.Convert(value, to);
        }
        return B.Convert(value, to, unsignedSource ? ConvertFlags.SourceUnsigned : ConvertFlags.None);
    }

    /// <summary>conv.i1/u1/i2/u2: truncate to the width, then sign- or zero-extend back to int32.</summary>
    private void Narrow(int bits, bool signed)
    {
        var value = ToInt(Pop(), IrType.I32, signed: true);
        var shift = Constant.Int(IrType.I32, 32 - bits);
        if (signed)
        {
            Push(B.Binary(Opcode.Shr, B.Binary(Opcode.Shl, value, shift), shift));
        }
        else
        {
            Push(B.Binary(Opcode.And, value, Constant.Int(IrType.I32, (1L << bits) - 1)));
        }
    }
}
