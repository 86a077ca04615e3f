using System.Reflection;
using System.Reflection.Metadata;
using Kernels.IR;
using Constant = Kernels.IR.Constant;
using Kernels.Language;

namespace Kernels.Frontend;

/// <summary>
/// call, callvirt and newobj: intrinsics lower to IR, known BCL members map to intrinsics, and every other
/// non-virtual method with an IL body is inlined (constrained calls resolve to the struct's implementation,
/// which is how <c>TSize.Value</c> of a specialisation constant becomes a constant).
/// </summary>
internal sealed partial class MethodTranslator
{
    private bool TryCall(IlInstruction ins)
    {
        switch (ins.OpCode)
        {
            case ILOpCode.Call or ILOpCode.Callvirt:
                Call(ResolveMethod(ins.Token), ins.OpCode == ILOpCode.Callvirt);
                return true;
            case ILOpCode.Newobj:
                NewObject(ResolveMethod(ins.Token));
                return true;
            case ILOpCode.Jmp:
                throw Fail("jmp");
            default:
                return false;
        }
    }

    private StackValue[] PopArgs(MethodBase callee, bool withThis)
    {
        var count = callee.GetParameters().Length + (withThis ? 1 : 0);
        var args = new StackValue[count];
        for (var i = count - 1; i >= 0; i--)
        {
            args[i] = PopAny();
        }
        return args;
    }

    private void Call(MethodBase callee, bool virtualCall)
    {
        var constrained = _constrained;
        _constrained = null;
        var args = PopArgs(callee, !callee.IsStatic);
        if (constrained is not null && callee.DeclaringType is { IsInterface: true } iface)
        {
            callee = Implementation(constrained, iface, callee);
        }
        else if (constrained is not null && callee.DeclaringType != constrained)
        {
            throw Fail($"a virtual call to {callee.DeclaringType?.Name}.{callee.Name} on {constrained.Name}");
        }
        else if (virtualCall && callee.IsVirtual && !callee.IsFinal && callee.DeclaringType is { IsValueType: false })
        {
            throw Fail($"a virtual call to {callee.DeclaringType.Name}.{callee.Name}");
        }
        if (!callee.IsStatic && callee.DeclaringType is { IsValueType: false })
        {
            throw Fail($"a call to {callee.DeclaringType.Name}.{callee.Name} on an object (reference types do not exist on the device)");
        }
        Invoke(callee, args);
    }

    private MethodBase Implementation(Type constrained, Type iface, MethodBase callee)
    {
        if (!constrained.IsValueType)
        {
            throw Fail($"a call through interface {iface.Name} on reference type {constrained.Name}");
        }
        var map = constrained.GetInterfaceMap(iface);
        for (var i = 0; i < map.InterfaceMethods.Length; i++)
        {
            if (map.InterfaceMethods[i] == callee || map.InterfaceMethods[i].MetadataToken == callee.MetadataToken)
            {
                var target = map.TargetMethods[i];
                return callee.IsGenericMethod ? target.MakeGenericMethod(callee.GetGenericArguments()) : target;
            }
        }
        throw Fail($"no implementation of {iface.Name}.{callee.Name} on {constrained.Name}");
    }

    private void Invoke(MethodBase callee, StackValue[] args)
    {
        var intrinsic = callee.GetCustomAttribute<IntrinsicAttribute>()?.Op ?? BclIntrinsics.Find(callee);
        if (intrinsic is { } op)
        {
            if (LowerIntrinsic(op, callee, args) is { } result)
            {
                Push(result);
            }
            return;
        }
        Inline(callee, args);
    }

    private void Inline(MethodBase callee, StackValue[] args)
    {
        if (_k.CallStack.Contains(callee) || callee == _k.Kernel)
        {
            throw Fail($"recursion ({KernelCompilationException.Describe(callee)} calls itself)");
        }
        if (_k.CallStack.Count >= KernelTranslation.MaxInlineDepth)
        {
            throw Fail($"calls nested deeper than {KernelTranslation.MaxInlineDepth}");
        }
        // From the framework only the operators of primitive types inline (generic math on INumber<T>);
        // the rest of .NET allocates, throws or calls the OS, so it is refused by name rather than half-translated.
        var framework = IsFramework(callee.DeclaringType?.Assembly)
            && !(callee.DeclaringType!.IsPrimitive && callee.Name.Contains("op_", StringComparison.Ordinal));
        if (callee.IsAbstract || callee.GetMethodBody() is null || framework)
        {
            throw Fail($"a call to {callee.DeclaringType?.FullName}.{callee.Name}, which the device does not support");
        }
        var returnType = callee is MethodInfo info ? info.ReturnType : typeof(void);
        var returnSlot = returnType == typeof(void) ? null : _k.NewSlot(returnType, null, Fail);
        var exit = _k.Function.NewBlock();
        _k.CallStack.Add(callee);
        new MethodTranslator(_k, callee, args, returnSlot, exit).Translate();
        _k.CallStack.RemoveAt(_k.CallStack.Count - 1);
        _k.Ssa.Seal(exit);
        B.Block = exit;
        if (returnSlot is not null)
        {
            Push(_k.ReadSlot(returnSlot));
        }
    }

    private static bool IsFramework(System.Reflection.Assembly? assembly)
    {
        var name = assembly?.GetName().Name ?? string.Empty;
        return assembly == typeof(object).Assembly || name.StartsWith("System.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.", StringComparison.Ordinal) || name is "System" or "netstandard" or "mscorlib";
    }

    /// <summary>newobj of a struct is construction in registers: zero a temporary, inline the constructor on it.</summary>
    private void NewObject(MethodBase constructor)
    {
        var type = constructor.DeclaringType!;
        if (typeof(Exception).IsAssignableFrom(type))
        {
            throw Fail($"throw (new {type.Name}): exceptions are not supported on the device");
        }
        if (!type.IsValueType)
        {
            throw Fail($"allocation (newobj {type.Name}): objects do not exist on the device");
        }
        var args = PopArgs(constructor, withThis: false);
        if (constructor.GetCustomAttribute<IntrinsicAttribute>()?.Op is { } op)
        {
            Push(LowerIntrinsic(op, constructor, args)!);
            return;
        }
        var temp = _k.NewSlot(type, null, Fail);
        _k.WriteSlot(temp, _k.Zero(type, Fail), Fail);
        Invoke(constructor, [new SlotAddress(temp), .. args]);
        Push(_k.ReadSlot(temp));
    }
}
