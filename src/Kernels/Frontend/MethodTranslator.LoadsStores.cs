using System.Reflection.Metadata;
using Kernels.IR;
using Constant = Kernels.IR.Constant;

namespace Kernels.Frontend;

/// <summary>Arguments, locals, indirect loads and stores through refs, dup and pop.</summary>
internal sealed partial class MethodTranslator
{
    private bool TryLoadStore(IlInstruction ins)
    {
        switch (ins.OpCode)
        {
            case >= ILOpCode.Ldarg_0 and <= ILOpCode.Ldarg_3: LoadArg(ins.OpCode - ILOpCode.Ldarg_0); return true;
            case ILOpCode.Ldarg_s or ILOpCode.Ldarg: LoadArg((int)ins.Operand); return true;
            case ILOpCode.Starg_s or ILOpCode.Starg: _k.WriteSlot(ArgSlot((int)ins.Operand), PopAny(), Fail); return true;
            case ILOpCode.Ldarga_s or ILOpCode.Ldarga: Push(new SlotAddress(ArgSlot((int)ins.Operand))); return true;
            case >= ILOpCode.Ldloc_0 and <= ILOpCode.Ldloc_3: Push(_k.ReadSlot(Local(ins.OpCode - ILOpCode.Ldloc_0))); return true;
            case ILOpCode.Ldloc_s or ILOpCode.Ldloc: Push(_k.ReadSlot(Local(ins.Operand))); return true;
            case >= ILOpCode.Stloc_0 and <= ILOpCode.Stloc_3: _k.WriteSlot(Local(ins.OpCode - ILOpCode.Stloc_0), PopAny(), Fail); return true;
            case ILOpCode.Stloc_s or ILOpCode.Stloc: _k.WriteSlot(Local(ins.Operand), PopAny(), Fail); return true;
            case ILOpCode.Ldloca_s or ILOpCode.Ldloca: Push(new SlotAddress(Local(ins.Operand))); return true;
            case ILOpCode.Dup: { var v = PopAny(); Push(v); Push(v); return true; }
            case ILOpCode.Pop: PopAny(); return true;
            case ILOpCode.Ldind_i1: LoadIndirect(typeof(sbyte)); return true;
            case ILOpCode.Ldind_u1: LoadIndirect(typeof(byte)); return true;
            case ILOpCode.Ldind_i2: LoadIndirect(typeof(short)); return true;
            case ILOpCode.Ldind_u2: LoadIndirect(typeof(ushort)); return true;
            case ILOpCode.Ldind_i4: LoadIndirect(typeof(int)); return true;
            case ILOpCode.Ldind_u4: LoadIndirect(typeof(uint)); return true;
            case ILOpCode.Ldind_i8: LoadIndirect(typeof(long)); return true;
            case ILOpCode.Ldind_i: LoadIndirect(typeof(nint)); return true;
            case ILOpCode.Ldind_r4: LoadIndirect(typeof(float)); return true;
            case ILOpCode.Ldind_r8: LoadIndirect(typeof(double)); return true;
            case ILOpCode.Ldobj: LoadIndirect(ResolveType(ins.Token)); return true;
            case ILOpCode.Stind_i1: StoreIndirect(typeof(sbyte)); return true;
            case ILOpCode.Stind_i2: StoreIndirect(typeof(short)); return true;
            case ILOpCode.Stind_i4: StoreIndirect(typeof(int)); return true;
            case ILOpCode.Stind_i8: StoreIndirect(typeof(long)); return true;
            case ILOpCode.Stind_i: StoreIndirect(typeof(nint)); return true;
            case ILOpCode.Stind_r4: StoreIndirect(typeof(float)); return true;
            case ILOpCode.Stind_r8: StoreIndirect(typeof(double)); return true;
            case ILOpCode.Stobj: StoreIndirect(ResolveType(ins.Token)); return true;
            case ILOpCode.Ldind_ref or ILOpCode.Stind_ref: throw Fail("object references");
            case ILOpCode.Sizeof: Push(Constant.Int(IrType.I32, TypeMap.SizeOf(ResolveType(ins.Token)))); return true;
            default: return false;
        }
    }

    private void LoadArg(int index)
    {
        if (_fixedArgs[index] is { } bound)
        {
            Push(bound);
            return;
        }
        Push(_k.ReadSlot(_args[index]!));
    }

    private Slot ArgSlot(int index) => _args[index] ?? throw Fail("writing or taking the address of a by-ref parameter");

    /// <summary>ldind/ldobj: from a translator slot (ref to a local) or from device memory.</summary>
    private void LoadIndirect(Type type)
    {
        switch (PopAny())
        {
            case SlotAddress slot:
                Push(_k.ReadSlot(slot.Slot));
                break;
            case PointerAddress pointer:
                Push(LoadFrom(pointer.Pointer, type));
                break;
            default:
                throw Fail("an indirect load from a value that is not an address");
        }
    }

    private void StoreIndirect(Type type)
    {
        var value = PopAny();
        switch (PopAny())
        {
            case SlotAddress slot:
                _k.WriteSlot(slot.Slot, value, Fail);
                break;
            case PointerAddress pointer:
                StoreTo(pointer.Pointer, type, value);
                break;
            default:
                throw Fail("an indirect store to a value that is not an address");
        }
    }

    private Value LoadFrom(Value pointer, Type type)
    {
        var (memory, signed) = TypeMap.MemoryType(type) ?? throw Fail($"a load of {type.Name} from device memory (elements are scalars)");
        return B.Load(pointer, memory, TypeMap.RegisterType(type)!.Value, signed);
    }

    private void StoreTo(Value pointer, Type type, StackValue value)
    {
        var (memory, _) = TypeMap.MemoryType(type) ?? throw Fail($"a store of {type.Name} to device memory (elements are scalars)");
        var scalar = value is ScalarValue s ? s.Value : throw Fail("a non-scalar stored to device memory");
        var register = TypeMap.RegisterType(type)!.Value;
        if (scalar.Type != register)
        {
            scalar = B.Convert(scalar, register);
        }
        B.Store(pointer, scalar, memory);
    }
}
