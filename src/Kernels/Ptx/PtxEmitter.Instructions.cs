using Kernels.IR;

namespace Kernels.Ptx;

/// <summary>One Emit method per IR opcode family.</summary>
internal sealed partial class PtxEmitter
{
    private void EmitInstruction(Instruction i)
    {
        switch (i.Op)
        {
            case Opcode.Add or Opcode.Sub or Opcode.Mul or Opcode.Div or Opcode.Rem or Opcode.And or Opcode.Or or Opcode.Xor
                or Opcode.Shl or Opcode.Shr or Opcode.Min or Opcode.Max:
                EmitBinary(i);
                break;
            case Opcode.Neg or Opcode.Not or Opcode.Abs:
                EmitUnary(i);
                break;
            case Opcode.Fma:
                Line($"fma.rn.{PtxTable.Arith(i.Type, false)} {Dst(i)}, {Op(i.Operands[0])}, {Op(i.Operands[1])}, {Op(i.Operands[2])};");
                break;
            case >= Opcode.Sqrt and <= Opcode.TanhApprox:
                EmitMath(i);
                break;
            case Opcode.PopCount:
                Line($"popc.b{(i.Operands[0].Type.Kind == ScalarKind.I64 ? 64 : 32)} {Dst(i)}, {Op(i.Operands[0])};");
                break;
            case Opcode.Compare:
                EmitCompare(i);
                break;
            case Opcode.Select:
                Line($"selp.{PtxTable.Bits(i.Type)} {Dst(i)}, {Op(i.Operands[1])}, {Op(i.Operands[2])}, {Reg(i.Operands[0])};");
                break;
            case Opcode.Convert:
                EmitConvert(i);
                break;
            case Opcode.Bitcast:
                EmitBitcast(i);
                break;
            case Opcode.Pack2:
                Line($"mov.b32 {Dst(i)}, {{{Reg(i.Operands[0])}, {Reg(i.Operands[1])}}};");
                break;
            case Opcode.Load:
                Line($"ld.{PtxTable.Space(i.Space)}.{PtxTable.Memory(i.MemoryType, i.Aux != 0)} {Dst(i)}, [{Reg(i.Operands[0])}];");
                break;
            case Opcode.Store:
                Line($"st.{PtxTable.Space(i.Space)}.{PtxTable.Memory(i.MemoryType, false)} [{Reg(i.Operands[0])}], {Reg(i.Operands[1])};");
                break;
            case Opcode.LoadVector4:
                _registers.DeclareTuple(i);
                Line($"ld.{PtxTable.Space(i.Space)}.v4.{(i.Type.Element == ScalarKind.F32 ? "f32" : "b32")} {Tuple(i)}, [{Reg(i.Operands[0])}];");
                break;
            case Opcode.StoreVector4:
                Line($"st.{PtxTable.Space(i.Space)}.v4.{(i.Operands[1].Type.Kind == ScalarKind.F32 ? "f32" : "b32")} [{Reg(i.Operands[0])}], {{{string.Join(", ", i.Operands.Skip(1).Select(Reg))}}};");
                break;
            case Opcode.Atomic:
                EmitAtomic(i);
                break;
            case Opcode.SpecialRegister:
                Line($"mov.u32 {Dst(i)}, {PtxTable.Special((SpecialRegister)i.Aux)};");
                break;
            case Opcode.SharedBase:
                Line($"mov.u64 {Dst(i)}, {SharedName(i.Aux)};");
                break;
            case Opcode.Barrier:
                Line("bar.sync 0;");
                break;
            case Opcode.Shuffle:
                {
                    var (mode, clamp) = PtxTable.Shuffle((ShuffleMode)i.Aux);
                    Line($"shfl.sync.{mode}.b32 {Dst(i)}, {Reg(i.Operands[0])}, {Op(i.Operands[1])}, {clamp}, {PtxTable.FullMask};");
                    break;
                }
            case Opcode.Vote:
                Line((VoteMode)i.Aux switch
                {
                    VoteMode.Any => $"vote.sync.any.pred {Dst(i)}, {Reg(i.Operands[0])}, {PtxTable.FullMask};",
                    VoteMode.All => $"vote.sync.all.pred {Dst(i)}, {Reg(i.Operands[0])}, {PtxTable.FullMask};",
                    _ => $"vote.sync.ballot.b32 {Dst(i)}, {Reg(i.Operands[0])}, {PtxTable.FullMask};",
                });
                break;
            case Opcode.Mma:
                {
                    _registers.DeclareTuple(i);
                    var ab = (MmaKind)i.Aux == MmaKind.Bf16 ? "bf16" : "f16";
                    var regs = i.Operands.Select(Reg).ToArray();
                    Line($"mma.sync.aligned.m16n8k16.row.col.f32.{ab}.{ab}.f32 {Tuple(i)}, {{{string.Join(", ", regs[..4])}}}, {{{string.Join(", ", regs[4..6])}}}, {{{string.Join(", ", regs[6..10])}}};");
                    break;
                }
            case Opcode.LdMatrix:
                {
                    _registers.DeclareTuple(i);
                    var variant = (LdMatrixKind)i.Aux switch
                    {
                        LdMatrixKind.X4 => "x4",
                        LdMatrixKind.X2 => "x2",
                        _ => "x2.trans",
                    };
                    Line($"ldmatrix.sync.aligned.m8n8.{variant}.shared.b16 {Tuple(i)}, [{Reg(i.Operands[0])}];");
                    break;
                }
            case Opcode.Extract:
                Line($"mov.{PtxTable.Bits(i.Type)} {Dst(i)}, {_registers.TupleElement(i.Operands[0], i.Aux)};");
                break;
            default:
                throw new KernelCompilationException(_function.Name, null, 0, $"no PTX lowering for IR opcode {i.Op}");
        }
    }

    private string Dst(Instruction i) => _registers.Of(i);

    private string Tuple(Instruction i) => "{" + string.Join(", ", Enumerable.Range(0, i.Type.Count).Select(k => _registers.TupleElement(i, k))) + "}";

    private void EmitBinary(Instruction i)
    {
        var unsigned = i.Flags.HasFlag(ArithFlags.Unsigned);
        var (a, b) = (Op(i.Operands[0]), Op(i.Operands[1]));
        if (i.Operands[0] is Constant && i.Operands[1] is Constant)
        {
            a = Reg(i.Operands[0]);
        }
        var name = PtxTable.Binary(i.Op);
        string type;
        if (i.Type.IsFloat)
        {
            if (i.Op == Opcode.Rem)
            {
                throw new KernelCompilationException(_function.Name, null, 0, "float remainder (%), which PTX has no instruction for");
            }
            // .rn pins IEEE rounding and stops ptxas from contracting mul+add into fma, so the device matches the CPU executor.
            type = i.Op is Opcode.Add or Opcode.Sub or Opcode.Mul or Opcode.Div ? $"rn.{PtxTable.Arith(i.Type, false)}" : PtxTable.Arith(i.Type, false);
        }
        else if (i.Op is Opcode.And or Opcode.Or or Opcode.Xor or Opcode.Shl)
        {
            type = i.Type.Kind == ScalarKind.Pred ? "pred" : PtxTable.Bits(i.Type);
        }
        else if (i.Op == Opcode.Mul)
        {
            type = "lo." + PtxTable.Arith(i.Type, unsigned);
        }
        else
        {
            type = PtxTable.Arith(i.Type, unsigned || i.Type.IsPointer);
        }
        if (i.Op is Opcode.Shl or Opcode.Shr)
        {
            // PTX clamps shift counts to the width: x << 40 is 0, as Semantics defines.
            b = i.Operands[1] is Constant ? b : Reg(i.Operands[1]);
        }
        Line($"{name}.{type} {Dst(i)}, {a}, {b};");
    }

    private void EmitUnary(Instruction i)
    {
        var type = i.Op == Opcode.Not ? (i.Type.Kind == ScalarKind.Pred ? "pred" : PtxTable.Bits(i.Type)) : PtxTable.Arith(i.Type, false);
        Line($"{PtxTable.Binary(i.Op)}.{type} {Dst(i)}, {Reg(i.Operands[0])};");
    }

    private void EmitCompare(Instruction i)
    {
        var kind = IrBuilder.CompareKindOf(i);
        var flags = IrBuilder.CompareFlagsOf(i);
        var type = i.Operands[0].Type;
        if (type.Kind == ScalarKind.Pred)
        {
            var x = _registers.Temp(ScalarKind.Pred);
            Line($"xor.pred {x}, {Reg(i.Operands[0])}, {Reg(i.Operands[1])};");
            Line(kind == CompareKind.Ne ? $"mov.pred {Dst(i)}, {x};" : $"not.pred {Dst(i)}, {x};");
            return;
        }
        var unsigned = flags.HasFlag(ArithFlags.Unsigned) || type.IsPointer;
        var a = i.Operands[0] is Constant ? Reg(i.Operands[0]) : Op(i.Operands[0]);
        Line($"setp.{PtxTable.Compare(kind, type.IsFloat && flags.HasFlag(ArithFlags.Unordered))}.{PtxTable.Arith(type, unsigned)} {Dst(i)}, {a}, {Op(i.Operands[1])};");
    }

    private void EmitConvert(Instruction i)
    {
        var from = i.Operands[0].Type;
        var to = i.Type;
        var flags = (ConvertFlags)i.Aux;
        var x = Reg(i.Operands[0]);
        var d = Dst(i);
        var src = from.IsFloat ? FloatName(from) : PtxTable.Arith(from, flags.HasFlag(ConvertFlags.SourceUnsigned));
        var dst = to.IsFloat ? FloatName(to) : PtxTable.Arith(to, flags.HasFlag(ConvertFlags.DestUnsigned));
        if (from.Kind == ScalarKind.BF16 && to.Kind == ScalarKind.F32)
        {
            // bf16 is the top half of an f32: shift the bits up (exact, and valid on sm_80 where cvt.f32.bf16 is not).
            var t = _registers.Temp(ScalarKind.I32);
            Line($"cvt.u32.u16 {t}, {x};");
            Line($"shl.b32 {t}, {t}, 16;");
            Line($"mov.b32 {d}, {t};");
            return;
        }
        if ((from.Kind is ScalarKind.F16 or ScalarKind.BF16 && to.Kind != ScalarKind.F32) || (to.Kind is ScalarKind.F16 or ScalarKind.BF16 && from.Kind != ScalarKind.F32))
        {
            throw new KernelCompilationException(_function.Name, null, 0, $"a conversion from {from} to {to} (16-bit floats convert through f32)");
        }
        string rounding;
        if (from.IsInteger && to.IsInteger)
        {
            rounding = string.Empty;
            if (from.Kind == ScalarKind.I64 && to.Kind == ScalarKind.I32)
            {
                src = "u64";
                dst = "u32";
            }
        }
        else if (from.IsFloat && to.IsInteger)
        {
            rounding = ".rzi";
        }
        else if (from.IsInteger || from.SizeBytes > to.SizeBytes)
        {
            rounding = ".rn";
        }
        else
        {
            rounding = string.Empty;
        }
        Line($"cvt{rounding}.{dst}.{src} {d}, {x};");
    }

    private static string FloatName(IrType type) => type.Kind switch
    {
        ScalarKind.F16 => "f16",
        ScalarKind.BF16 => "bf16",
        ScalarKind.F32 => "f32",
        _ => "f64",
    };

    private void EmitBitcast(Instruction i)
    {
        var from = i.Operands[0].Type;
        var x = Reg(i.Operands[0]);
        if (from.Kind is ScalarKind.F16 or ScalarKind.BF16)
        {
            Line($"cvt.u32.u16 {Dst(i)}, {x};");
        }
        else if (i.Type.Kind is ScalarKind.F16 or ScalarKind.BF16)
        {
            Line($"cvt.u16.u32 {Dst(i)}, {x};");
        }
        else
        {
            Line($"mov.{PtxTable.Bits(i.Type)} {Dst(i)}, {x};");
        }
    }
}
