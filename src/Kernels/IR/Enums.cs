namespace Kernels.IR;

/// <summary>Arithmetic variant flags in Aux.</summary>
[Flags]
public enum ArithFlags
{
    None = 0,
    /// <summary>Integer division, remainder, right shift, min/max and comparisons treat operands as unsigned.</summary>
    Unsigned = 1,
    /// <summary>Float comparison is true when either operand is NaN (IL's *.un compares).</summary>
    Unordered = 2,
}

public enum CompareKind
{
    Eq, Ne, Lt, Le, Gt, Ge,
}

/// <summary>Convert Aux flags: the signedness of integer source and destination (float to int truncates toward zero).</summary>
[Flags]
public enum ConvertFlags
{
    None = 0,
    SourceUnsigned = 1,
    DestUnsigned = 2,
    /// <summary>Float to integer saturates at the destination range (PTX cvt.rzi.sat); IL leaves overflow undefined.</summary>
    Saturate = 4,
}

public enum SpecialRegister
{
    TidX, TidY, TidZ, CtaIdX, CtaIdY, CtaIdZ, NTidX, NTidY, NTidZ, NCtaIdX, NCtaIdY, NCtaIdZ, LaneId, DynamicSharedSize,
}

public enum ShuffleMode
{
    Xor, Down, Up, Idx,
}

public enum VoteMode
{
    Any, All, Ballot,
}

public enum AtomicOp
{
    Add, Max, Min, Exchange, CompareExchange,
}

/// <summary>The element type of mma.m16n8k16 A and B fragments.</summary>
public enum MmaKind
{
    Bf16, F16,
}

/// <summary>ldmatrix variant: number of 8x8 matrices and transposition.</summary>
public enum LdMatrixKind
{
    X4, X2, X2Trans,
}
