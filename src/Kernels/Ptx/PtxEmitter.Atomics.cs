using Kernels.IR;

namespace Kernels.Ptx;

/// <summary>atom.{global,shared}: native add/max/min/exch/cas, and a compare-and-swap loop for f32 max/min.</summary>
internal sealed partial class PtxEmitter
{
    private void EmitAtomic(Instruction i)
    {
        var op = (AtomicOp)(i.Aux & 0xFF);
        var unsigned = (i.Aux & 0x100) != 0;
        var space = PtxTable.Space(i.Space);
        var address = Reg(i.Operands[0]);
        var isFloat = i.Type.Kind == ScalarKind.F32;
        if (isFloat && op is AtomicOp.Max or AtomicOp.Min)
        {
            EmitFloatAtomicLoop(i, op, space, address);
            return;
        }
        var value = Reg(i.Operands[^1]);
        var d = Dst(i);
        switch (op)
        {
            case AtomicOp.Add:
                Line($"atom.{space}.add.{(isFloat ? "f32" : unsigned ? "u32" : "s32")} {d}, [{address}], {value};");
                break;
            case AtomicOp.Max or AtomicOp.Min:
                Line($"atom.{space}.{(op == AtomicOp.Max ? "max" : "min")}.{(unsigned ? "u32" : "s32")} {d}, [{address}], {value};");
                break;
            case AtomicOp.Exchange:
                Line($"atom.{space}.exch.b32 {d}, [{address}], {value};");
                break;
            default:
                Line($"atom.{space}.cas.b32 {d}, [{address}], {Reg(i.Operands[1])}, {value};");
                break;
        }
    }

    /// <summary>f32 atomic max/min: read, combine, compare-and-swap the bits, retry until no other thread intervened.</summary>
    private void EmitFloatAtomicLoop(Instruction i, AtomicOp op, string space, string address)
    {
        var value = Reg(i.Operands[1]);
        var old = Dst(i);
        var updated = _registers.Temp(ScalarKind.F32);
        var (oldBits, newBits, seen) = (_registers.Temp(ScalarKind.I32), _registers.Temp(ScalarKind.I32), _registers.Temp(ScalarKind.I32));
        var retry = _registers.Temp(ScalarKind.Pred);
        var loop = NewLabel();
        Line($"ld.{space}.f32 {old}, [{address}];");
        _body.Append(loop).AppendLine(":");
        Line($"{(op == AtomicOp.Max ? "max" : "min")}.f32 {updated}, {old}, {value};");
        Line($"mov.b32 {oldBits}, {old};");
        Line($"mov.b32 {newBits}, {updated};");
        Line($"atom.{space}.cas.b32 {seen}, [{address}], {oldBits}, {newBits};");
        Line($"setp.ne.b32 {retry}, {seen}, {oldBits};");
        Line($"mov.b32 {old}, {seen};");
        Line($"@{retry} bra {loop};");
    }
}
