using Kernels.IR;

namespace Kernels.Ptx;

/// <summary>Every PTX spelling the emitter uses, in one place: type suffixes, registers, opcodes, special registers.</summary>
internal static class PtxTable
{
    /// <summary>Register class prefix and declared type of a value type.</summary>
    public static (string Prefix, string Declared) RegisterClass(ScalarKind kind) => kind switch
    {
        ScalarKind.Pred => ("%p", ".pred"),
        ScalarKind.I32 => ("%r", ".b32"),
        ScalarKind.I64 or ScalarKind.Ptr => ("%rd", ".b64"),
        ScalarKind.F32 => ("%f", ".f32"),
        ScalarKind.F64 => ("%fd", ".f64"),
        ScalarKind.F16 or ScalarKind.BF16 or ScalarKind.I16 => ("%h", ".b16"),
        _ => throw new InvalidOperationException($"no register class for {kind}"),
    };

    public static readonly (string Prefix, string Declared)[] Classes =
        [("%p", ".pred"), ("%r", ".b32"), ("%rd", ".b64"), ("%f", ".f32"), ("%fd", ".f64"), ("%h", ".b16")];

    /// <summary>The arithmetic type suffix: signed or unsigned integers, floats, pointers as u64.</summary>
    public static string Arith(IrType type, bool unsigned) => type.Kind switch
    {
        ScalarKind.I32 => unsigned ? "u32" : "s32",
        ScalarKind.I64 => unsigned ? "u64" : "s64",
        ScalarKind.Ptr => "u64",
        ScalarKind.F32 => "f32",
        ScalarKind.F64 => "f64",
        ScalarKind.Pred => "pred",
        ScalarKind.F16 or ScalarKind.BF16 or ScalarKind.I16 => "b16",
        _ => throw new InvalidOperationException($"no arithmetic type for {type}"),
    };

    public static string Bits(IrType type) => type.Kind switch
    {
        ScalarKind.Pred => "pred",
        ScalarKind.F16 or ScalarKind.BF16 or ScalarKind.I16 => "b16",
        ScalarKind.I32 or ScalarKind.F32 => "b32",
        _ => "b64",
    };

    /// <summary>The ld/st type of an in-memory element.</summary>
    public static string Memory(IrType memory, bool signed) => memory.Kind switch
    {
        ScalarKind.I8 => signed ? "s8" : "u8",
        ScalarKind.I16 => signed ? "s16" : "u16",
        ScalarKind.I32 => "u32",
        ScalarKind.I64 or ScalarKind.Ptr => "u64",
        ScalarKind.F32 => "f32",
        ScalarKind.F64 => "f64",
        ScalarKind.F16 or ScalarKind.BF16 => "b16",
        _ => throw new InvalidOperationException($"no memory type for {memory}"),
    };

    public static string Space(AddressSpace space) => space == AddressSpace.Shared ? "shared" : "global";

    public static string Binary(Opcode op) => op switch
    {
        Opcode.Add => "add",
        Opcode.Sub => "sub",
        Opcode.Mul => "mul",
        Opcode.Div => "div",
        Opcode.Rem => "rem",
        Opcode.And => "and",
        Opcode.Or => "or",
        Opcode.Xor => "xor",
        Opcode.Shl => "shl",
        Opcode.Shr => "shr",
        Opcode.Min => "min",
        Opcode.Max => "max",
        Opcode.Neg => "neg",
        Opcode.Not => "not",
        Opcode.Abs => "abs",
        _ => throw new InvalidOperationException($"{op} is not a binary opcode"),
    };

    public static string Compare(CompareKind kind, bool unordered) => (kind, unordered) switch
    {
        (CompareKind.Eq, false) => "eq",
        (CompareKind.Ne, false) => "ne",
        (CompareKind.Lt, false) => "lt",
        (CompareKind.Le, false) => "le",
        (CompareKind.Gt, false) => "gt",
        (CompareKind.Ge, false) => "ge",
        (CompareKind.Eq, true) => "equ",
        (CompareKind.Ne, true) => "neu",
        (CompareKind.Lt, true) => "ltu",
        (CompareKind.Le, true) => "leu",
        (CompareKind.Gt, true) => "gtu",
        _ => "geu",
    };

    public static string Special(SpecialRegister register) => register switch
    {
        SpecialRegister.TidX => "%tid.x",
        SpecialRegister.TidY => "%tid.y",
        SpecialRegister.TidZ => "%tid.z",
        SpecialRegister.CtaIdX => "%ctaid.x",
        SpecialRegister.CtaIdY => "%ctaid.y",
        SpecialRegister.CtaIdZ => "%ctaid.z",
        SpecialRegister.NTidX => "%ntid.x",
        SpecialRegister.NTidY => "%ntid.y",
        SpecialRegister.NTidZ => "%ntid.z",
        SpecialRegister.NCtaIdX => "%nctaid.x",
        SpecialRegister.NCtaIdY => "%nctaid.y",
        SpecialRegister.NCtaIdZ => "%nctaid.z",
        SpecialRegister.LaneId => "%laneid",
        _ => "%dynamic_smem_size",
    };

    /// <summary>shfl.sync mode and its c operand (clamp 31 for down/idx/bfly, 0 for up: the segment is the whole warp).</summary>
    public static (string Mode, string Clamp) Shuffle(ShuffleMode mode) => mode switch
    {
        ShuffleMode.Xor => ("bfly", "31"),
        ShuffleMode.Down => ("down", "31"),
        ShuffleMode.Up => ("up", "0"),
        _ => ("idx", "31"),
    };

    public const string FullMask = "-1";

    /// <summary>log2(e) and ln(2) as PTX f32 immediates, for exp(x) = 2^(x·log2 e) and ln x = log2 x · ln 2.</summary>
    public const string Log2E = "0f3FB8AA3B";
    public const string Ln2 = "0f3F317218";
}
