using Kernels.IR;

namespace Kernels.Ptx;

/// <summary>Float math: the accurate forms as short PTX sequences, the approximate forms as single instructions.</summary>
internal sealed partial class PtxEmitter
{
    private void EmitMath(Instruction i)
    {
        var d = Dst(i);
        var x = Reg(i.Operands[0]);
        if (i.Type.Kind == ScalarKind.F64)
        {
            Line(i.Op == Opcode.Sqrt ? $"sqrt.rn.f64 {d}, {x};" : throw new KernelCompilationException(_function.Name, null, 0, $"{i.Op} on f64"));
            return;
        }
        switch (i.Op)
        {
            case Opcode.Sqrt:
                Line($"sqrt.rn.f32 {d}, {x};");
                break;
            case Opcode.Rsqrt:
                {
                    // 1/sqrt(x) with both steps correctly rounded, rather than the approximate rsqrt.
                    var t = _registers.Temp(ScalarKind.F32);
                    Line($"sqrt.rn.f32 {t}, {x};");
                    Line($"rcp.rn.f32 {d}, {t};");
                    break;
                }
            case Opcode.Exp:
                {
                    var t = _registers.Temp(ScalarKind.F32);
                    Line($"mul.rn.f32 {t}, {x}, {PtxTable.Log2E};");
                    Line($"ex2.approx.f32 {d}, {t};");
                    break;
                }
            case Opcode.Exp2:
                Line($"ex2.approx.f32 {d}, {x};");
                break;
            case Opcode.Log:
                {
                    var t = _registers.Temp(ScalarKind.F32);
                    Line($"lg2.approx.f32 {t}, {x};");
                    Line($"mul.rn.f32 {d}, {t}, {PtxTable.Ln2};");
                    break;
                }
            case Opcode.Log2:
                Line($"lg2.approx.f32 {d}, {x};");
                break;
            case Opcode.Tanh:
                {
                    // tanh|x| = 1 - 2 / (e^{2|x|} + 1), then the sign of x: no overflow, no cancellation for large |x|.
                    var (a, e, s, r) = (_registers.Temp(ScalarKind.F32), _registers.Temp(ScalarKind.F32), _registers.Temp(ScalarKind.F32), _registers.Temp(ScalarKind.F32));
                    Line($"abs.f32 {a}, {x};");
                    Line($"mul.rn.f32 {e}, {a}, 0f4038AA3B;");
                    Line($"ex2.approx.f32 {e}, {e};");
                    Line($"add.rn.f32 {s}, {e}, 0f3F800000;");
                    Line($"div.rn.f32 {r}, 0f40000000, {s};");
                    Line($"sub.rn.f32 {r}, 0f3F800000, {r};");
                    Line($"copysign.f32 {d}, {x}, {r};");
                    break;
                }
            case Opcode.Exp2Approx:
                Line($"ex2.approx.ftz.f32 {d}, {x};");
                break;
            case Opcode.Log2Approx:
                Line($"lg2.approx.ftz.f32 {d}, {x};");
                break;
            case Opcode.RsqrtApprox:
                Line($"rsqrt.approx.ftz.f32 {d}, {x};");
                break;
            default:
                Line($"tanh.approx.f32 {d}, {x};");
                break;
        }
    }
}
