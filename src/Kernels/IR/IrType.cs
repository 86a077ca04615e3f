namespace Kernels.IR;

/// <summary>
/// An IR value type: a scalar kind, a pointer into one address space, or a tuple of <see cref="Count"/>
/// scalars of kind <see cref="Element"/> (the several results of one vector load, ldmatrix or mma).
/// </summary>
public readonly record struct IrType(ScalarKind Kind, AddressSpace Space = AddressSpace.None, ScalarKind Element = ScalarKind.Void, int Count = 0)
{
    public static readonly IrType Void = new(ScalarKind.Void);
    public static readonly IrType Pred = new(ScalarKind.Pred);
    public static readonly IrType I8 = new(ScalarKind.I8);
    public static readonly IrType I16 = new(ScalarKind.I16);
    public static readonly IrType I32 = new(ScalarKind.I32);
    public static readonly IrType I64 = new(ScalarKind.I64);
    public static readonly IrType F16 = new(ScalarKind.F16);
    public static readonly IrType BF16 = new(ScalarKind.BF16);
    public static readonly IrType F32 = new(ScalarKind.F32);
    public static readonly IrType F64 = new(ScalarKind.F64);

    public static IrType Pointer(AddressSpace space) => new(ScalarKind.Ptr, space);

    public static IrType TupleOf(ScalarKind element, int count) => new(ScalarKind.Tuple, AddressSpace.None, element, count);

    public static IrType Scalar(ScalarKind kind) => new(kind);

    public bool IsFloat => Kind is ScalarKind.F16 or ScalarKind.BF16 or ScalarKind.F32 or ScalarKind.F64;

    public bool IsInteger => Kind is ScalarKind.I8 or ScalarKind.I16 or ScalarKind.I32 or ScalarKind.I64;

    public bool IsPointer => Kind == ScalarKind.Ptr;

    /// <summary>Bytes in memory (pointers 8, pred 1, tuples the sum).</summary>
    public int SizeBytes => Kind switch
    {
        ScalarKind.Pred or ScalarKind.I8 => 1,
        ScalarKind.I16 or ScalarKind.F16 or ScalarKind.BF16 => 2,
        ScalarKind.I32 or ScalarKind.F32 => 4,
        ScalarKind.I64 or ScalarKind.F64 or ScalarKind.Ptr => 8,
        ScalarKind.Tuple => Count * new IrType(Element).SizeBytes,
        _ => 0,
    };

    public override string ToString() => Kind switch
    {
        ScalarKind.Ptr => $"ptr.{Space.ToString().ToLowerInvariant()}",
        ScalarKind.Tuple => $"{new IrType(Element)}x{Count}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
