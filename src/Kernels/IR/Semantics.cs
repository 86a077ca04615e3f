using Kernels.Language;

namespace Kernels.IR;

/// <summary>
/// The meaning of every pure scalar operation on raw register bits, shared by constant folding and the CPU
/// executor so the two can never disagree. Registers hold: I32 sign-extended to 64 bits, Pred 0/1, F32 in
/// the low 32 bits, F16/BF16 in the low 16. Where PTX and .NET differ, PTX wins: shifts past the width give
/// 0 (or the sign), float → int truncates and saturates (NaN → 0), float min/max return the non-NaN operand,
/// integer division by zero gives all ones (remainder: the dividend).
/// </summary>
public static class Semantics
{
    public static ulong Canonical(IrType type, ulong bits) => type.Kind switch
    {
        ScalarKind.I32 => (ulong)(long)(int)bits,
        ScalarKind.Pred => bits & 1,
        ScalarKind.F32 => bits & 0xFFFF_FFFF,
        ScalarKind.F16 or ScalarKind.BF16 or ScalarKind.I16 => bits & 0xFFFF,
        ScalarKind.I8 => bits & 0xFF,
        _ => bits,
    };

    public static float F32(ulong bits) => BitConverter.UInt32BitsToSingle((uint)bits);

    public static double F64(ulong bits) => BitConverter.UInt64BitsToDouble(bits);

    public static ulong Of(float value) => BitConverter.SingleToUInt32Bits(value);

    public static ulong Of(double value) => BitConverter.DoubleToUInt64Bits(value);

    /// <summary>True for the opcodes <see cref="Evaluate"/> handles (pure, scalar, no memory, no threads).</summary>
    public static bool IsScalarPure(Opcode op) => op is >= Opcode.Add and <= Opcode.Pack2;

    /// <summary>Evaluates a pure scalar operation; <paramref name="operandType"/> is the type of operand 0.</summary>
    public static ulong Evaluate(Opcode op, IrType type, int aux, IrType operandType, ulong a, ulong b, ulong c)
    {
        var flags = (ArithFlags)(aux & 0xF);
        var unsigned = (flags & ArithFlags.Unsigned) != 0;
        ulong result = op switch
        {
            Opcode.Compare => CompareBits((CompareKind)(aux >> 4), flags, operandType, a, b) ? 1UL : 0UL,
            Opcode.Select => (a & 1) != 0 ? b : c,
            Opcode.Convert => ConvertBits(operandType, type, (ConvertFlags)aux, a),
            Opcode.Bitcast => operandType.Kind is ScalarKind.F16 or ScalarKind.BF16 ? a & 0xFFFF : Canonical(type, a),
            Opcode.Pack2 => (a & 0xFFFF) | ((b & 0xFFFF) << 16),
            Opcode.PopCount => (ulong)System.Numerics.BitOperations.PopCount(type.Kind == ScalarKind.I64 ? a : a & 0xFFFF_FFFF),
            _ when type.Kind == ScalarKind.F32 => Of(Float32(op, F32(a), F32(b), F32(c))),
            _ when type.Kind == ScalarKind.F64 => Of(Float64(op, F64(a), F64(b), F64(c))),
            _ when type.Kind == ScalarKind.Pred => Logic(op, a, b),
            _ when type.Kind == ScalarKind.I32 => unsigned ? (ulong)UInt32(op, (uint)a, (uint)b) : (ulong)(long)Int32(op, (int)a, (int)b),
            _ => unsigned || type.IsPointer ? UInt64(op, a, b) : (ulong)Int64(op, (long)a, (long)b),
        };
        return Canonical(type, result);
    }

    private static ulong Logic(Opcode op, ulong a, ulong b) => op switch
    {
        Opcode.And => a & b,
        Opcode.Or => a | b,
        Opcode.Xor => a ^ b,
        Opcode.Not => a ^ 1,
        _ => throw new InvalidOperationException($"{op} on pred"),
    };

    private static float Float32(Opcode op, float a, float b, float c) => op switch
    {
        Opcode.Add => a + b,
        Opcode.Sub => a - b,
        Opcode.Mul => a * b,
        Opcode.Div => a / b,
        Opcode.Rem => a % b,
        Opcode.Min => float.IsNaN(a) ? b : float.IsNaN(b) ? a : MathF.Min(a, b),
        Opcode.Max => float.IsNaN(a) ? b : float.IsNaN(b) ? a : MathF.Max(a, b),
        Opcode.Neg => -a,
        Opcode.Abs => MathF.Abs(a),
        Opcode.Fma => MathF.FusedMultiplyAdd(a, b, c),
        Opcode.Sqrt => MathF.Sqrt(a),
        Opcode.Rsqrt or Opcode.RsqrtApprox => 1f / MathF.Sqrt(a),
        Opcode.Exp => MathF.Exp(a),
        Opcode.Exp2 or Opcode.Exp2Approx => MathF.Pow(2f, a),
        Opcode.Log => MathF.Log(a),
        Opcode.Log2 or Opcode.Log2Approx => MathF.Log2(a),
        Opcode.Tanh or Opcode.TanhApprox => MathF.Tanh(a),
        _ => throw new InvalidOperationException($"{op} on f32"),
    };

    private static double Float64(Opcode op, double a, double b, double c) => op switch
    {
        Opcode.Add => a + b,
        Opcode.Sub => a - b,
        Opcode.Mul => a * b,
        Opcode.Div => a / b,
        Opcode.Rem => a % b,
        Opcode.Min => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Min(a, b),
        Opcode.Max => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b),
        Opcode.Neg => -a,
        Opcode.Abs => Math.Abs(a),
        Opcode.Fma => Math.FusedMultiplyAdd(a, b, c),
        Opcode.Sqrt => Math.Sqrt(a),
        _ => throw new InvalidOperationException($"{op} on f64"),
    };

    private static int Int32(Opcode op, int a, int b) => op switch
    {
        Opcode.Add => unchecked(a + b),
        Opcode.Sub => unchecked(a - b),
        Opcode.Mul => unchecked(a * b),
        Opcode.Div => b == 0 ? -1 : a == int.MinValue && b == -1 ? a : a / b,
        Opcode.Rem => b == 0 ? a : a == int.MinValue && b == -1 ? 0 : a % b,
        Opcode.And => a & b,
        Opcode.Or => a | b,
        Opcode.Xor => a ^ b,
        Opcode.Shl => (uint)b >= 32 ? 0 : a << b,
        Opcode.Shr => (uint)b >= 32 ? a >> 31 : a >> b,
        Opcode.Min => Math.Min(a, b),
        Opcode.Max => Math.Max(a, b),
        Opcode.Neg => unchecked(-a),
        Opcode.Not => ~a,
        Opcode.Abs => a == int.MinValue ? a : Math.Abs(a),
        _ => throw new InvalidOperationException($"{op} on i32"),
    };

    private static uint UInt32(Opcode op, uint a, uint b) => op switch
    {
        Opcode.Div => b == 0 ? uint.MaxValue : a / b,
        Opcode.Rem => b == 0 ? a : a % b,
        Opcode.Shr => b >= 32 ? 0 : a >> (int)b,
        Opcode.Min => Math.Min(a, b),
        Opcode.Max => Math.Max(a, b),
        _ => (uint)Int32(op, (int)a, (int)b),
    };

    private static long Int64(Opcode op, long a, long b) => op switch
    {
        Opcode.Add => unchecked(a + b),
        Opcode.Sub => unchecked(a - b),
        Opcode.Mul => unchecked(a * b),
        Opcode.Div => b == 0 ? -1 : a == long.MinValue && b == -1 ? a : a / b,
        Opcode.Rem => b == 0 ? a : a == long.MinValue && b == -1 ? 0 : a % b,
        Opcode.And => a & b,
        Opcode.Or => a | b,
        Opcode.Xor => a ^ b,
        Opcode.Shl => (ulong)b >= 64 ? 0 : a << (int)b,
        Opcode.Shr => (ulong)b >= 64 ? a >> 63 : a >> (int)b,
        Opcode.Min => Math.Min(a, b),
        Opcode.Max => Math.Max(a, b),
        Opcode.Neg => unchecked(-a),
        Opcode.Not => ~a,
        Opcode.Abs => a == long.MinValue ? a : Math.Abs(a),
        _ => throw new InvalidOperationException($"{op} on i64"),
    };

    private static ulong UInt64(Opcode op, ulong a, ulong b) => op switch
    {
        Opcode.Div => b == 0 ? ulong.MaxValue : a / b,
        Opcode.Rem => b == 0 ? a : a % b,
        Opcode.Shr => b >= 64 ? 0 : a >> (int)b,
        Opcode.Min => Math.Min(a, b),
        Opcode.Max => Math.Max(a, b),
        _ => (ulong)Int64(op, (long)a, (long)b),
    };

    private static bool CompareBits(CompareKind kind, ArithFlags flags, IrType type, ulong a, ulong b)
    {
        if (type.IsFloat)
        {
            double x = type.Kind == ScalarKind.F64 ? F64(a) : F32(a), y = type.Kind == ScalarKind.F64 ? F64(b) : F32(b);
            if (double.IsNaN(x) || double.IsNaN(y))
            {
                return (flags & ArithFlags.Unordered) != 0;
            }
            return Ordered(kind, x.CompareTo(y) is var c && x == y ? 0 : c);
        }
        if (type.Kind == ScalarKind.Pred)
        {
            return Ordered(kind, (a & 1).CompareTo(b & 1));
        }
        var wide = type.Kind is ScalarKind.I64 or ScalarKind.Ptr;
        int order = (flags & ArithFlags.Unsigned) != 0 || type.IsPointer
            ? (wide ? a.CompareTo(b) : ((uint)a).CompareTo((uint)b))
            : (wide ? ((long)a).CompareTo((long)b) : ((int)a).CompareTo((int)b));
        return Ordered(kind, order);
    }

    private static bool Ordered(CompareKind kind, int order) => kind switch
    {
        CompareKind.Eq => order == 0,
        CompareKind.Ne => order != 0,
        CompareKind.Lt => order < 0,
        CompareKind.Le => order <= 0,
        CompareKind.Gt => order > 0,
        _ => order >= 0,
    };

    private static ulong ConvertBits(IrType from, IrType to, ConvertFlags flags, ulong a)
    {
        var sourceUnsigned = (flags & ConvertFlags.SourceUnsigned) != 0;
        var destUnsigned = (flags & ConvertFlags.DestUnsigned) != 0;
        if (from.IsInteger && to.IsInteger)
        {
            if (from.Kind == ScalarKind.I32 && to.Kind == ScalarKind.I64)
            {
                return sourceUnsigned ? (uint)a : (ulong)(long)(int)a;
            }
            return a;
        }
        if (from.IsInteger && to.IsFloat)
        {
            double value = from.Kind == ScalarKind.I64
                ? (sourceUnsigned ? (double)a : (double)(long)a)
                : (sourceUnsigned ? (uint)a : (double)(int)a);
            // int64 → float32 must round once: go through the exact integer, not the double.
            if (to.Kind == ScalarKind.F32)
            {
                return from.Kind == ScalarKind.I64 ? Of(sourceUnsigned ? (float)a : (float)(long)a) : Of((float)value);
            }
            return FromDouble(to, value);
        }
        var x = from.Kind switch
        {
            ScalarKind.F32 => F32(a),
            ScalarKind.F64 => F64(a),
            ScalarKind.F16 => (double)BitConverter.UInt16BitsToHalf((ushort)a),
            ScalarKind.BF16 => (float)new BFloat16((ushort)a),
            _ => throw new InvalidOperationException($"convert from {from}"),
        };
        if (to.IsFloat)
        {
            return from.Kind == ScalarKind.F32 || from.Kind == ScalarKind.F64 || to.Kind != ScalarKind.F64
                ? FromSingleOrDouble(from, to, a, x)
                : Of(x);
        }
        // float → integer: truncate toward zero, saturate, NaN → 0 (cvt.rzi).
        if (double.IsNaN(x))
        {
            return 0;
        }
        var t = Math.Truncate(x);
        if (to.Kind == ScalarKind.I64)
        {
            return destUnsigned
                ? (t <= 0 ? 0 : t >= 18446744073709551615.0 ? ulong.MaxValue : (ulong)t)
                : (ulong)(t <= long.MinValue ? long.MinValue : t >= long.MaxValue ? long.MaxValue : (long)t);
        }
        return destUnsigned
            ? (ulong)(long)(int)(t <= 0 ? 0u : t >= uint.MaxValue ? uint.MaxValue : (uint)t)
            : (ulong)(long)(t <= int.MinValue ? int.MinValue : t >= int.MaxValue ? int.MaxValue : (int)t);
    }

    private static ulong FromSingleOrDouble(IrType from, IrType to, ulong bits, double x)
    {
        // Narrowing goes from the source's own width so each conversion rounds exactly once.
        if (from.Kind == ScalarKind.F32)
        {
            var f = F32(bits);
            return to.Kind switch
            {
                ScalarKind.F64 => Of((double)f),
                ScalarKind.F16 => BitConverter.HalfToUInt16Bits((Half)f),
                ScalarKind.BF16 => ((BFloat16)f).Bits,
                _ => bits,
            };
        }
        return FromDouble(to, x);
    }

    private static ulong FromDouble(IrType to, double x) => to.Kind switch
    {
        ScalarKind.F32 => Of((float)x),
        ScalarKind.F64 => Of(x),
        ScalarKind.F16 => BitConverter.HalfToUInt16Bits((Half)x),
        ScalarKind.BF16 => ((BFloat16)(float)x).Bits,
        _ => throw new InvalidOperationException($"convert to {to}"),
    };
}
