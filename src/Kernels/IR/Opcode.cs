namespace Kernels.IR;

/// <summary>
/// IR operations. Aux (on <see cref="Instruction"/>) carries the variant: the <see cref="ArithFlags"/> of
/// arithmetic, the <see cref="CompareKind"/> of Compare, the <see cref="SpecialRegister"/>, and so on.
/// </summary>
public enum Opcode
{
    // Arithmetic (operands have the result type; Shl/Shr take an I32 shift count).
    Add, Sub, Mul, Div, Rem, And, Or, Xor, Shl, Shr, Min, Max, Neg, Not, Abs, Fma,
    // Float math on F32.
    Sqrt, Rsqrt, Exp, Exp2, Log, Log2, Tanh, Exp2Approx, Log2Approx, RsqrtApprox, TanhApprox,
    PopCount,
    Compare, Select, Convert, Bitcast, Pack2,
    Load, Store, LoadVector4, StoreVector4, Atomic,
    SpecialRegister, SharedBase, Barrier, Shuffle, Vote,
    Mma, LdMatrix, Extract,
    Branch, CondBranch, Return,
}
