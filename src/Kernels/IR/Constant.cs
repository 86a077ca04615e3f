namespace Kernels.IR;

/// <summary>A constant with the raw bits of its type (F32 in the low 32 bits, integers sign-extended to 64).</summary>
public sealed class Constant(IrType type, ulong bits) : Value(type)
{
    public ulong Bits { get; } = bits;

    public long AsInt64 => (long)Bits;

    public float AsSingle => BitConverter.UInt32BitsToSingle((uint)Bits);

    public double AsDouble => BitConverter.UInt64BitsToDouble(Bits);

    public static Constant Int(IrType type, long value) => new(type, type.Kind switch
    {
        ScalarKind.I32 => (ulong)(long)(int)value,
        ScalarKind.Pred => value != 0 ? 1UL : 0UL,
        _ => (ulong)value,
    });

    public static Constant Float(float value) => new(IrType.F32, BitConverter.SingleToUInt32Bits(value));

    public static Constant Double(double value) => new(IrType.F64, BitConverter.DoubleToUInt64Bits(value));

    public static Constant Zero(IrType type) => new(type, 0);
}
