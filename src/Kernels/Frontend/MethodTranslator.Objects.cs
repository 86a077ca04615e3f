using System.Reflection.Metadata;
using Kernels.IR;
using Constant = Kernels.IR.Constant;

namespace Kernels.Frontend;

/// <summary>Struct fields (ldfld/ldflda/stfld), initobj, and static fields (constants only).</summary>
internal sealed partial class MethodTranslator
{
    private bool TryObject(IlInstruction ins)
    {
        switch (ins.OpCode)
        {
            case ILOpCode.Ldfld:
                LoadField(ResolveField(ins.Token).Name);
                return true;
            case ILOpCode.Ldflda:
                Push(new SlotAddress(FieldSlot(PopAny(), ResolveField(ins.Token).Name)));
                return true;
            case ILOpCode.Stfld:
                {
                    var value = PopAny();
                    _k.WriteSlot(FieldSlot(PopAny(), ResolveField(ins.Token).Name), value, Fail);
                    return true;
                }
            case ILOpCode.Initobj:
                Initialize(ResolveType(ins.Token));
                return true;
            case ILOpCode.Ldsfld:
                LoadStaticField(ResolveField(ins.Token));
                return true;
            case ILOpCode.Stsfld or ILOpCode.Ldsflda:
                throw Fail($"static field {ResolveField(ins.Token).Name} (mutable statics do not exist on the device)");
            case ILOpCode.Ldnull:
                throw Fail("null (object references do not exist on the device)");
            default:
                return false;
        }
    }

    private void LoadField(string name)
    {
        switch (PopAny())
        {
            case SlotAddress address:
                Push(_k.ReadSlot(address.Slot.Field(name, Fail)));
                break;
            case StructValue value:
                var index = Array.FindIndex(TypeMap.Fields(value.ClrType), f => f.Name == name);
                Push(index >= 0 ? value.Fields[index] : throw Fail($"field '{name}' of {value.ClrType.Name}"));
                break;
            default:
                throw Fail($"field '{name}' of a struct in device memory (elements are scalars)");
        }
    }

    private Slot FieldSlot(StackValue target, string name) => target is SlotAddress address
        ? address.Slot.Field(name, Fail)
        : throw Fail($"a field '{name}' of something that is not a local struct");

    private void Initialize(Type type)
    {
        switch (PopAny())
        {
            case SlotAddress address:
                _k.WriteSlot(address.Slot, _k.Zero(type, Fail), Fail);
                break;
            case PointerAddress pointer when TypeMap.IsScalar(type):
                StoreTo(pointer.Pointer, type, _k.Zero(type, Fail));
                break;
            default:
                throw Fail($"initobj of {type.Name} in device memory");
        }
    }

    /// <summary>Static readonly primitives are compile-time constants: their value is read on the host.</summary>
    private void LoadStaticField(System.Reflection.FieldInfo field)
    {
        if (!(field.IsInitOnly || field.IsLiteral) || !field.FieldType.IsPrimitive)
        {
            throw Fail($"static field {field.DeclaringType?.Name}.{field.Name} (only readonly primitive statics are constants on the device)");
        }
        var value = field.GetValue(null)!;
        var type = TypeMap.RegisterType(field.FieldType)!.Value;
        Push(value switch
        {
            float f => Constant.Float(f),
            double d => Constant.Double(d),
            bool b => Constant.Int(type, b ? 1 : 0),
            ulong u => Constant.Int(type, unchecked((long)u)),
            _ => Constant.Int(type, System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        });
    }
}
