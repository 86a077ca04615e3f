using System.Reflection;
using Kernels.IR;

namespace Kernels.Frontend;

/// <summary>
/// The state shared by every method translated into one kernel: the function, the builder, the SSA
/// variables and the inlining stack. Inlining happens here, during translation, because the addresses of
/// struct locals (a struct method's <c>this</c>) exist only as translator slots, never as IR values.
/// </summary>
internal sealed class KernelTranslation
{
    public const int MaxInlineDepth = 32;

    private KernelTranslation(MethodInfo kernel)
    {
        Kernel = kernel;
        Function = new Function(KernelNaming.EntryName(kernel));
        Builder = new IrBuilder(Function);
        Ssa = new SsaBuilder(Function);
    }

    public MethodInfo Kernel { get; }

    public Function Function { get; }

    public IrBuilder Builder { get; }

    public SsaBuilder Ssa { get; }

    public List<MethodBase> CallStack { get; } = [];

    /// <summary>Translates <paramref name="kernel"/> and every method it calls into one SSA function.</summary>
    public static Function Translate(MethodInfo kernel)
    {
        var translation = new KernelTranslation(kernel);
        var function = translation.Function;
        translation.Builder.Block = function.NewBlock();
        var parameters = kernel.GetParameters();
        var args = new StackValue[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            if (!type.IsValueType || type.IsByRef || type.IsPointer)
            {
                throw new KernelCompilationException(function.Name, kernel, 0,
                    $"parameter '{parameters[i].Name}' of type {type.Name}: kernel parameters are scalars, views or structs of them");
            }
            args[i] = translation.ParameterValue(type, i, parameters[i].Name ?? $"p{i}", [], null);
        }
        new MethodTranslator(translation, kernel, args, null, null).Translate();
        translation.Ssa.Finish();
        return function;
    }

    private StackValue ParameterValue(Type type, int argument, string name, string[] path, IrType? fieldType)
    {
        if (TypeMap.IsScalar(type))
        {
            var irType = fieldType ?? TypeMap.RegisterType(type)!.Value;
            var parameter = new Parameter(irType, Function.Parameters.Count, name) { ArgumentIndex = argument, FieldPath = path };
            Function.Parameters.Add(parameter);
            return irType.IsPointer ? new PointerAddress(parameter) : new ScalarValue(parameter);
        }
        var fields = TypeMap.Fields(type);
        var values = new StackValue[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            values[i] = ParameterValue(fields[i].FieldType, argument, $"{name}_{fields[i].Name}", [.. path, fields[i].Name],
                TypeMap.FieldRegisterType(type, fields[i]));
        }
        return new StructValue(type, values);
    }

    /// <summary>A variable shaped like <paramref name="type"/> (scalar or struct of scalars).</summary>
    public Slot NewSlot(Type type, IrType? scalarType, Func<string, Exception> fail)
    {
        if (TypeMap.IsScalar(type))
        {
            var irType = scalarType ?? TypeMap.RegisterType(type) ?? throw fail($"type {type.Name}");
            return new Slot { ClrType = type, Variable = Ssa.NewVariable(irType) };
        }
        if (!type.IsValueType)
        {
            throw fail($"reference type {type.Name} (only scalars, views and structs of them live on the device)");
        }
        var fields = TypeMap.Fields(type);
        var slots = new Slot[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            slots[i] = NewSlot(fields[i].FieldType, TypeMap.FieldRegisterType(type, fields[i]), fail);
        }
        return new Slot { ClrType = type, Fields = slots, FieldNames = [.. fields.Select(f => f.Name)] };
    }

    public StackValue ReadSlot(Slot slot)
    {
        if (slot.Variable >= 0)
        {
            var value = Ssa.Read(slot.Variable, Builder.Block!);
            return value.Type.IsPointer ? new PointerAddress(value) : new ScalarValue(value);
        }
        var fields = new StackValue[slot.Fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = ReadSlot(slot.Fields[i]);
        }
        return new StructValue(slot.ClrType, fields);
    }

    public void WriteSlot(Slot slot, StackValue value, Func<string, Exception> fail)
    {
        if (slot.Variable >= 0)
        {
            var scalar = value switch
            {
                ScalarValue s => s.Value,
                PointerAddress p => p.Pointer,
                SlotAddress => throw fail("a ref to a local stored in a variable"),
                _ => throw fail($"a struct stored into a scalar of type {slot.ClrType.Name}"),
            };
            var type = Ssa.TypeOf(slot.Variable);
            if (type.Kind != ScalarKind.Ptr && scalar.Type != type)
            {
                scalar = Builder.Convert(scalar, type, ConvertFlags.None);
            }
            Ssa.Write(slot.Variable, Builder.Block!, scalar);
            return;
        }
        if (value is not StructValue structValue || structValue.Fields.Length != slot.Fields.Length)
        {
            throw fail($"a value stored into a struct of type {slot.ClrType.Name}");
        }
        for (var i = 0; i < slot.Fields.Length; i++)
        {
            WriteSlot(slot.Fields[i], structValue.Fields[i], fail);
        }
    }

    /// <summary>The zero value of a type (initobj, default(T)).</summary>
    public StackValue Zero(Type type, Func<string, Exception> fail)
    {
        if (TypeMap.IsScalar(type))
        {
            return new ScalarValue(Constant.Zero(TypeMap.RegisterType(type) ?? throw fail($"type {type.Name}")));
        }
        var fields = TypeMap.Fields(type);
        return new StructValue(type, [.. fields.Select(f => TypeMap.FieldRegisterType(type, f) is { Kind: ScalarKind.Ptr } p
            ? (StackValue)new PointerAddress(Constant.Zero(p))
            : Zero(f.FieldType, fail))]);
    }
}
