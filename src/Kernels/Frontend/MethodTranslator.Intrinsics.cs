using System.Reflection;
using Kernels.IR;
using Kernels.Language;
using Kernels.Passes;

namespace Kernels.Frontend;

/// <summary>Lowers each <see cref="Intrinsic"/> call to IR; results come back as stack values.</summary>
internal sealed partial class MethodTranslator
{
    private StackValue? LowerIntrinsic(Intrinsic op, MethodBase callee, StackValue[] args)
    {
        var returnType = callee is MethodInfo info ? info.ReturnType : callee.DeclaringType!;
        var unsigned = callee.GetParameters().Any(p => p.ParameterType == typeof(uint) || p.ParameterType == typeof(ulong)
            || p.ParameterType == typeof(uint).MakeByRefType());
        switch (op)
        {
            case >= Intrinsic.ThreadIdxX and <= Intrinsic.GridDimZ:
                return Scalar(B.Special((SpecialRegister)(op - Intrinsic.ThreadIdxX)));
            case Intrinsic.LaneId:
                return Scalar(B.Special(SpecialRegister.LaneId));
            case Intrinsic.WarpSize:
                return Scalar(Constant.Int(IrType.I32, 32));
            case Intrinsic.Barrier:
                B.Append(new Instruction(Opcode.Barrier, IrType.Void, []));
                return null;
            case Intrinsic.ShuffleXor or Intrinsic.ShuffleDown or Intrinsic.ShuffleUp or Intrinsic.ShuffleIdx:
                {
                    var value = ScalarOf(args[0]);
                    return Scalar(B.Append(new Instruction(Opcode.Shuffle, value.Type, [value, ScalarOf(args[1])], op - Intrinsic.ShuffleXor)));
                }
            case Intrinsic.VoteAny or Intrinsic.VoteAll or Intrinsic.VoteBallot:
                {
                    var predicate = IsNonZero(ScalarOf(args[0]));
                    var mode = (VoteMode)(op - Intrinsic.VoteAny);
                    var vote = B.Append(new Instruction(Opcode.Vote, mode == VoteMode.Ballot ? IrType.I32 : IrType.Pred, [predicate], (int)mode));
                    return Scalar(mode == VoteMode.Ballot ? vote : AsInt(vote));
                }
            case Intrinsic.SharedAllocateConst:
                {
                    var types = callee.GetGenericArguments();
                    return SharedAllocation(types[0], ConstValue(types[1]));
                }
            case Intrinsic.SharedAllocateCount:
                {
                    var count = ConstantEvaluator.TryEvaluate(ScalarOf(args[0]))
                        ?? throw Fail("a shared allocation whose size does not fold to a compile-time constant");
                    return SharedAllocation(callee.GetGenericArguments()[0], (int)count);
                }
            case Intrinsic.SharedDynamic:
                {
                    var element = callee.GetGenericArguments()[0];
                    _k.Function.UsesDynamicShared = true;
                    var pointer = B.Append(new Instruction(Opcode.SharedBase, IrType.Pointer(AddressSpace.Shared), [], -1));
                    var length = B.Binary(Opcode.Div, B.Special(SpecialRegister.DynamicSharedSize), Constant.Int(IrType.I32, TypeMap.SizeOf(element)), ArithFlags.Unsigned);
                    return new StructValue(returnType, [new PointerAddress(pointer), new ScalarValue(length)]);
                }
            case >= Intrinsic.AtomicAdd and <= Intrinsic.AtomicCompareExchange:
                return Scalar(Atomic((AtomicOp)(op - Intrinsic.AtomicAdd), args, unsigned));
            case Intrinsic.Exp or Intrinsic.Exp2 or Intrinsic.Log or Intrinsic.Log2 or Intrinsic.Sqrt or Intrinsic.Rsqrt or Intrinsic.Tanh
                or Intrinsic.Exp2Approx or Intrinsic.Log2Approx or Intrinsic.RsqrtApprox or Intrinsic.TanhApprox:
                {
                    var x = ScalarOf(args[0]);
                    if (x.Type.Kind != ScalarKind.F32 && !(op == Intrinsic.Sqrt && x.Type.Kind == ScalarKind.F64))
                    {
                        throw Fail($"{op} of {x.Type} (device math is float32)");
                    }
                    return Scalar(B.Unary(MathOpcode(op), x));
                }
            case Intrinsic.Abs:
                return Scalar(B.Unary(Opcode.Abs, ScalarOf(args[0])));
            case Intrinsic.Fma:
                return Scalar(B.Fma(ScalarOf(args[0]), ScalarOf(args[1]), ScalarOf(args[2])));
            case Intrinsic.Min or Intrinsic.Max:
                return Scalar(B.Binary(op == Intrinsic.Min ? Opcode.Min : Opcode.Max, ScalarOf(args[0]), ScalarOf(args[1]),
                    unsigned ? ArithFlags.Unsigned : ArithFlags.None));
            case Intrinsic.FloatBits:
                return Scalar(B.Bitcast(ScalarOf(args[0]), IrType.I32));
            case Intrinsic.BitsToFloat:
                return Scalar(B.Bitcast(ScalarOf(args[0]), IrType.F32));
            case Intrinsic.PopCount:
                return Scalar(B.Unary(Opcode.PopCount, ScalarOf(args[0])));
            case Intrinsic.HalfToFloat or Intrinsic.BFloat16ToFloat:
                return Scalar(B.Convert(ScalarOf(args[0]), IrType.F32));
            case Intrinsic.FloatToHalf:
                return Scalar(B.Convert(ScalarOf(args[0]), IrType.F16));
            case Intrinsic.FloatToBFloat16:
                return Scalar(B.Convert(ScalarOf(args[0]), IrType.BF16));
            case Intrinsic.HalfBits or Intrinsic.BFloat16Bits:
                return Scalar(B.Bitcast(ScalarOf(ThisValue(args[0])), IrType.I32));
            case Intrinsic.BFloat16FromBits:
                return Scalar(B.Bitcast(ScalarOf(args[0]), IrType.BF16));
            case Intrinsic.Pack2:
                return Scalar(B.Append(new Instruction(Opcode.Pack2, IrType.I32, [ScalarOf(args[0]), ScalarOf(args[1])])));
            case Intrinsic.ViewElement or Intrinsic.SharedElement:
                {
                    var view = ViewFields(args[0]);
                    var element = callee.DeclaringType!.GetGenericArguments()[0];
                    return new PointerAddress(ElementAddress(view.Pointer, ScalarOf(args[1]), element));
                }
            case Intrinsic.ViewLength or Intrinsic.SharedLength:
                return Scalar(ViewFields(args[0]).Length);
            case Intrinsic.ViewSlice:
                {
                    var view = ViewFields(args[0]);
                    var element = callee.DeclaringType!.GetGenericArguments()[0];
                    var pointer = ElementAddress(view.Pointer, ScalarOf(args[1]), element);
                    return new StructValue(callee.DeclaringType!, [new PointerAddress(pointer), new ScalarValue(ScalarOf(args[2]))]);
                }
            case Intrinsic.LoadVector4:
                {
                    var view = ViewFields(args[0]);
                    var element = returnType == typeof(Float4) ? ScalarKind.F32 : ScalarKind.I32;
                    var pointer = ElementAddress(view.Pointer, ScalarOf(args[1]), typeof(float));
                    var tuple = B.Append(new Instruction(Opcode.LoadVector4, IrType.TupleOf(element, 4), [pointer]) { Space = pointer.Type.Space });
                    return Unpack(returnType, tuple, 4);
                }
            case Intrinsic.StoreVector4:
                {
                    var view = ViewFields(args[0]);
                    var pointer = ElementAddress(view.Pointer, ScalarOf(args[1]), typeof(float));
                    B.Append(new Instruction(Opcode.StoreVector4, IrType.Void, [pointer, .. Flatten(args[2])]) { Space = pointer.Type.Space });
                    return null;
                }
            case Intrinsic.MmaBf16 or Intrinsic.MmaF16:
                {
                    Value[] operands = [.. Flatten(args[0]), .. Flatten(args[1]), .. Flatten(args[2])];
                    var kind = op == Intrinsic.MmaBf16 ? MmaKind.Bf16 : MmaKind.F16;
                    var tuple = B.Append(new Instruction(Opcode.Mma, IrType.TupleOf(ScalarKind.F32, 4), operands, (int)kind));
                    return Unpack(returnType, tuple, 4);
                }
            case Intrinsic.LdMatrixX4 or Intrinsic.LdMatrixX2 or Intrinsic.LdMatrixX2Trans:
                {
                    var pointer = args[0] is PointerAddress { Pointer.Type.Space: AddressSpace.Shared } p
                        ? p.Pointer
                        : throw Fail("ldmatrix from something other than shared memory");
                    var kind = (LdMatrixKind)(op - Intrinsic.LdMatrixX4);
                    var count = kind == LdMatrixKind.X4 ? 4 : 2;
                    var tuple = B.Append(new Instruction(Opcode.LdMatrix, IrType.TupleOf(ScalarKind.I32, count), [pointer], (int)kind) { Space = AddressSpace.Shared });
                    return Unpack(returnType, tuple, count);
                }
            default:
                throw Fail($"the intrinsic {op}");
        }
    }

    private static ScalarValue Scalar(Value value) => new(value);

    private Value ScalarOf(StackValue value) => value switch
    {
        ScalarValue s => s.Value,
        PointerAddress p => p.Pointer,
        _ => throw Fail("a struct or local ref where an intrinsic expects a scalar"),
    };

    /// <summary>The value behind an instance intrinsic's this (a ref to a local, or the value itself).</summary>
    private StackValue ThisValue(StackValue value) => value is SlotAddress address ? _k.ReadSlot(address.Slot) : value;

    private (Value Pointer, Value Length) ViewFields(StackValue view) =>
        ThisValue(view) is StructValue { Fields: [PointerAddress pointer, ScalarValue length] }
            ? (pointer.Pointer, length.Value)
            : throw Fail("a view that is not a local, parameter or field");

    /// <summary>address = base + (int64)index * sizeof(T): the usual mul.wide + add.</summary>
    private Value ElementAddress(Value pointer, Value index, Type element)
    {
        var offset = B.Binary(Opcode.Mul, B.Convert(index, IrType.I64), Constant.Int(IrType.I64, TypeMap.SizeOf(element)));
        return B.Binary(Opcode.Add, pointer, offset);
    }

    private StackValue SharedAllocation(Type element, int count)
    {
        if (count <= 0)
        {
            throw Fail($"a shared allocation of {count} elements");
        }
        var memory = TypeMap.MemoryType(element)?.Memory ?? throw Fail($"shared memory of {element.Name} (elements are scalars)");
        var allocation = _k.Function.AddSharedAllocation(memory, count);
        var pointer = B.Append(new Instruction(Opcode.SharedBase, IrType.Pointer(AddressSpace.Shared), [], allocation.Index));
        return new StructValue(typeof(SharedView<>).MakeGenericType(element), [new PointerAddress(pointer), new ScalarValue(Constant.Int(IrType.I32, count))]);
    }

    /// <summary>TSize.Value of a specialisation constant, read on the host (the type is fixed per instantiation).</summary>
    private int ConstValue(Type constType)
    {
        var map = constType.GetInterfaceMap(typeof(IConst));
        return (int)map.TargetMethods[0].Invoke(null, null)!;
    }

    private Value Atomic(AtomicOp op, StackValue[] args, bool unsigned)
    {
        var pointer = args[0] is PointerAddress p ? p.Pointer : throw Fail("an atomic on a local variable (atomics need global or shared memory)");
        Value[] operands = op == AtomicOp.CompareExchange
            ? [pointer, ScalarOf(args[1]), ScalarOf(args[2])]
            : [pointer, ScalarOf(args[1])];
        var type = operands[^1].Type;
        return B.Append(new Instruction(Opcode.Atomic, type, operands, (int)op | (unsigned ? 0x100 : 0)) { MemoryType = type, Space = pointer.Type.Space });
    }

    private StructValue Unpack(Type structType, Value tuple, int count)
    {
        var fields = new StackValue[count];
        for (var i = 0; i < count; i++)
        {
            fields[i] = Scalar(B.Extract(tuple, i));
        }
        return new StructValue(structType, fields);
    }

    private Value[] Flatten(StackValue value) => ThisValue(value) switch
    {
        StructValue s => [.. s.Fields.SelectMany(Flatten)],
        var other => [ScalarOf(other)],
    };

    private static Opcode MathOpcode(Intrinsic op) => op switch
    {
        Intrinsic.Exp => Opcode.Exp,
        Intrinsic.Exp2 => Opcode.Exp2,
        Intrinsic.Log => Opcode.Log,
        Intrinsic.Log2 => Opcode.Log2,
        Intrinsic.Sqrt => Opcode.Sqrt,
        Intrinsic.Rsqrt => Opcode.Rsqrt,
        Intrinsic.Tanh => Opcode.Tanh,
        Intrinsic.Exp2Approx => Opcode.Exp2Approx,
        Intrinsic.Log2Approx => Opcode.Log2Approx,
        Intrinsic.RsqrtApprox => Opcode.RsqrtApprox,
        _ => Opcode.TanhApprox,
    };
}
