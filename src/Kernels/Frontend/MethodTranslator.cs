using System.Reflection;
using System.Reflection.Metadata;
using Kernels.IR;
using Constant = Kernels.IR.Constant;

namespace Kernels.Frontend;

/// <summary>
/// Translates one method's IL (the kernel or an inlined callee) into the kernel's IR: one IR block per IL
/// basic block, the evaluation stack as <see cref="StackValue"/>s, locals and arguments as SSA slots.
/// The IL families live in the other parts of this class, one file each.
/// </summary>
internal sealed partial class MethodTranslator
{
    private readonly KernelTranslation _k;
    private readonly MethodBase _method;
    private readonly Type[] _argTypes;
    private readonly Slot?[] _args;
    private readonly StackValue?[] _fixedArgs;
    private readonly Slot? _returnSlot;
    private readonly BasicBlock? _exit;
    private readonly Dictionary<int, BasicBlock> _blocks = [];
    private readonly Dictionary<int, Slot[]> _entryStack = [];
    private readonly List<StackValue> _stack = [];
    private Slot?[] _locals = [];
    private Type?[] _localTypes = [];
    private int _offset;
    private Type? _constrained;

    /// <param name="args">Argument values; by-ref arguments (a struct method's this) bind to their address.</param>
    /// <param name="returnSlot">Where ret stores the result of an inlined call; null for the kernel.</param>
    /// <param name="exit">Where ret continues in the caller; null for the kernel (ret ends the thread).</param>
    public MethodTranslator(KernelTranslation k, MethodBase method, StackValue[] args, Slot? returnSlot, BasicBlock? exit)
    {
        _k = k;
        _method = method;
        var parameters = method.GetParameters().Select(p => p.ParameterType);
        _argTypes = method.IsStatic ? [.. parameters] : [method.DeclaringType!.MakeByRefType(), .. parameters];
        _returnSlot = returnSlot;
        _exit = exit;
        _args = new Slot?[_argTypes.Length];
        _fixedArgs = new StackValue?[_argTypes.Length];
        for (var i = 0; i < _argTypes.Length; i++)
        {
            if (_argTypes[i].IsByRef || args[i] is SlotAddress)
            {
                _fixedArgs[i] = args[i];
            }
            else
            {
                _args[i] = _k.NewSlot(_argTypes[i], null, Fail);
                _k.WriteSlot(_args[i]!, args[i], Fail);
            }
        }
    }

    private IrBuilder B => _k.Builder;

    public void Translate()
    {
        var body = _method.GetMethodBody() ?? throw Fail("a method without an IL body (extern, abstract or runtime-implemented)");
        if (body.ExceptionHandlingClauses.Count > 0)
        {
            _offset = body.ExceptionHandlingClauses[0].TryOffset;
            throw Fail("exception handling (try/catch/finally, using, lock)");
        }
        _localTypes = [.. body.LocalVariables.Select(l => l.IsPinned ? null : l.LocalType)];
        _locals = new Slot?[_localTypes.Length];
        var code = IlDecoder.Decode(body.GetILAsByteArray() ?? []);
        var reachable = FindReachableBlocks(code);
        foreach (var start in reachable)
        {
            _blocks[start] = _k.Function.NewBlock();
        }
        B.Branch(_blocks[0]);
        var skipping = false;
        foreach (var instruction in code)
        {
            _offset = instruction.Offset;
            if (_blocks.TryGetValue(instruction.Offset, out var block))
            {
                if (!B.IsTerminated)
                {
                    SpillStack(instruction.Offset);
                    B.Branch(block);
                }
                EnterBlock(instruction.Offset, block);
                RejectThrowingBlock(code, instruction.Offset);
                skipping = false;
            }
            else if (B.IsTerminated)
            {
                // Unreachable IL after a branch: no predecessor ever reaches it.
                skipping = true;
            }
            if (!skipping)
            {
                TranslateInstruction(instruction);
            }
        }
        if (!B.IsTerminated)
        {
            throw Fail("control falling off the end of the method");
        }
    }

    private HashSet<int> FindReachableBlocks(IlInstruction[] code)
    {
        var starts = new SortedSet<int> { 0 };
        foreach (var instruction in code)
        {
            foreach (var target in instruction.Targets ?? [])
            {
                starts.Add(target);
            }
            if (instruction.EndsBlock && instruction.NextOffset < (code.Length == 0 ? 0 : code[^1].NextOffset))
            {
                starts.Add(instruction.NextOffset);
            }
        }
        var index = code.Select((c, i) => (c.Offset, i)).ToDictionary(p => p.Offset, p => p.i);
        var reachable = new HashSet<int>();
        var work = new Stack<int>();
        work.Push(0);
        while (work.Count > 0)
        {
            var start = work.Pop();
            if (!reachable.Add(start))
            {
                continue;
            }
            for (var i = index[start]; i < code.Length; i++)
            {
                var instruction = code[i];
                foreach (var target in instruction.Targets ?? [])
                {
                    work.Push(target);
                }
                var fallsThrough = instruction.OpCode is not (ILOpCode.Br or ILOpCode.Br_s or ILOpCode.Ret or ILOpCode.Throw
                    or ILOpCode.Rethrow or ILOpCode.Leave or ILOpCode.Leave_s or ILOpCode.Jmp);
                if (instruction.EndsBlock || (i + 1 < code.Length && starts.Contains(code[i + 1].Offset)))
                {
                    if (fallsThrough && i + 1 < code.Length)
                    {
                        work.Push(code[i + 1].Offset);
                    }
                    break;
                }
            }
        }
        return [.. reachable.Where(starts.Contains)];
    }

    /// <summary>Locals get their slots at first use, so an unsupported local type is reported where it is used.</summary>
    private Slot Local(long index)
    {
        if (_locals[index] is { } slot)
        {
            return slot;
        }
        var type = _localTypes[index] ?? throw Fail("a pinned local (fixed statement)");
        return _locals[index] = _k.NewSlot(type, null, Fail);
    }

    /// <summary>A block that ends in throw is rejected at the throw, before its exception object is built.</summary>
    private void RejectThrowingBlock(IlInstruction[] code, int start)
    {
        var index = Array.FindIndex(code, c => c.Offset == start);
        for (var i = index; i < code.Length && (i == index || !_blocks.ContainsKey(code[i].Offset)); i++)
        {
            if (code[i].OpCode is ILOpCode.Throw or ILOpCode.Rethrow)
            {
                _offset = code[i].Offset;
                throw Fail("throw (exceptions are not supported on the device)");
            }
            if (code[i].EndsBlock)
            {
                return;
            }
        }
    }

    private void EnterBlock(int offset, BasicBlock block)
    {
        B.Block = block;
        _stack.Clear();
        foreach (var slot in _entryStack.GetValueOrDefault(offset) ?? [])
        {
            _stack.Add(_k.ReadSlot(slot));
        }
    }

    /// <summary>Values on the IL stack at a block boundary go through SSA variables of the target block, one per depth.</summary>
    private void SpillStack(int target)
    {
        if (!_entryStack.TryGetValue(target, out var slots))
        {
            slots = new Slot[_stack.Count];
            for (var i = 0; i < slots.Length; i++)
            {
                slots[i] = _stack[i] switch
                {
                    ScalarValue s => new Slot { ClrType = typeof(object), Variable = _k.Ssa.NewVariable(s.Value.Type) },
                    PointerAddress p => new Slot { ClrType = typeof(object), Variable = _k.Ssa.NewVariable(p.Pointer.Type) },
                    StructValue sv => _k.NewSlot(sv.ClrType, null, Fail),
                    _ => throw Fail("a ref to a local held on the stack across a branch"),
                };
            }
            _entryStack[target] = slots;
        }
        if (slots.Length != _stack.Count)
        {
            throw Fail($"inconsistent stack depth at IL_{target:X4}");
        }
        for (var i = 0; i < slots.Length; i++)
        {
            _k.WriteSlot(slots[i], _stack[i], Fail);
        }
    }

    private BasicBlock BlockAt(int offset) =>
        _blocks.TryGetValue(offset, out var block) ? block : throw Fail($"a branch into unreachable code at IL_{offset:X4}");

    private void Push(StackValue value) => _stack.Add(value);

    private void Push(Value value) => _stack.Add(value.Type.IsPointer ? new PointerAddress(value) : new ScalarValue(value));

    private StackValue PopAny()
    {
        if (_stack.Count == 0)
        {
            throw Fail("an empty evaluation stack");
        }
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    /// <summary>Pops a scalar (or a pointer, as its address value).</summary>
    private Value Pop() => PopAny() switch
    {
        ScalarValue s => s.Value,
        PointerAddress p => p.Pointer,
        StructValue s => throw Fail($"a struct ({s.ClrType.Name}) where a scalar was expected"),
        _ => throw Fail("a ref to a local where a value was expected"),
    };

    /// <summary>An exception naming the kernel, this method, the current IL offset and the construct.</summary>
    public KernelCompilationException Fail(string construct) => new(_k.Function.Name, _method, _offset, construct);

    private Type[] TypeArguments => _method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : [];

    private Type[] MethodArguments => _method.IsGenericMethod ? _method.GetGenericArguments() : [];

    private Type ResolveType(int token) => _method.Module.ResolveType(token, TypeArguments, MethodArguments);

    private FieldInfo ResolveField(int token) => _method.Module.ResolveField(token, TypeArguments, MethodArguments)
        ?? throw Fail($"unresolvable field token 0x{token:X8}");

    private MethodBase ResolveMethod(int token) => _method.Module.ResolveMethod(token, TypeArguments, MethodArguments)
        ?? throw Fail($"unresolvable method token 0x{token:X8}");

    private void TranslateInstruction(IlInstruction ins)
    {
        if (ins.OpCode == ILOpCode.Constrained)
        {
            _constrained = ResolveType(ins.Token);
            return;
        }
        if (ins.OpCode is ILOpCode.Volatile or ILOpCode.Unaligned or ILOpCode.Tail or ILOpCode.Readonly or ILOpCode.Nop)
        {
            return;
        }
        if (TryArithmetic(ins) || TryConversion(ins) || TryLoadStore(ins) || TryBranch(ins) || TryCall(ins) || TryObject(ins))
        {
            _constrained = null;
            return;
        }
        throw Fail(ins.OpCode switch
        {
            ILOpCode.Throw or ILOpCode.Rethrow => "throw (exceptions are not supported on the device)",
            ILOpCode.Newarr or ILOpCode.Ldelem or ILOpCode.Ldelema or ILOpCode.Stelem or ILOpCode.Ldlen
                or >= ILOpCode.Ldelem_i1 and <= ILOpCode.Stelem_ref => $"managed arrays ({ins.OpCode.ToString().ToLowerInvariant()})",
            ILOpCode.Ldstr => "strings (ldstr)",
            ILOpCode.Box or ILOpCode.Unbox or ILOpCode.Unbox_any => "boxing (box/unbox)",
            ILOpCode.Castclass or ILOpCode.Isinst => "type tests and casts on objects",
            ILOpCode.Ldftn or ILOpCode.Ldvirtftn or ILOpCode.Calli => "delegates and function pointers",
            ILOpCode.Localloc => "stackalloc",
            _ => $"the IL instruction {ins.OpCode.ToString().ToLowerInvariant()}",
        });
    }
}
