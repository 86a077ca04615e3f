using System.Buffers.Binary;
using Kernels.IR;

namespace Kernels.Cpu;

/// <summary>Executes one thread's instructions up to its next barrier, warp collective or return.</summary>
internal sealed class ThreadInterpreter(CpuProgram program, LaunchContext launch, (int X, int Y, int Z) blockIdx, byte[] shared)
{
    public void RunUntilWait(ThreadState thread)
    {
        var r = thread.Registers;
        Span<ulong> values = stackalloc ulong[64];
        while (true)
        {
            var block = thread.Block!;
            if (thread.Index < block.Instructions.Count)
            {
                var instruction = block.Instructions[thread.Index];
                switch (instruction.Op)
                {
                    case Opcode.Barrier:
                        thread.Status = ThreadStatus.AtBarrier;
                        thread.WaitingAt = instruction;
                        return;
                    case Opcode.Shuffle or Opcode.Vote or Opcode.Mma or Opcode.LdMatrix:
                        thread.Status = ThreadStatus.AtCollective;
                        thread.WaitingAt = instruction;
                        return;
                    default:
                        Execute(instruction, thread, r);
                        thread.Index++;
                        continue;
                }
            }
            var terminator = block.Terminator!;
            BasicBlock next;
            switch (terminator.Op)
            {
                case Opcode.Return:
                    thread.Status = ThreadStatus.Exited;
                    return;
                case Opcode.Branch:
                    next = terminator.Targets[0];
                    break;
                default:
                    next = (r[terminator.Operands[0].Id] & 1) != 0 ? terminator.Targets[0] : terminator.Targets[1];
                    break;
            }
            if (next.Phis.Count > 0)
            {
                // φs read their inputs as a parallel copy: gather all first, then write.
                var edge = program.PhiIndex[(block, next)];
                if (next.Phis.Count > values.Length)
                {
                    values = new ulong[next.Phis.Count];
                }
                for (var i = 0; i < next.Phis.Count; i++)
                {
                    values[i] = r[next.Phis[i].Inputs[edge].Id];
                }
                for (var i = 0; i < next.Phis.Count; i++)
                {
                    r[next.Phis[i].Id] = values[i];
                }
            }
            thread.Block = next;
            thread.Index = 0;
        }
    }

    private void Execute(Instruction i, ThreadState thread, ulong[] r)
    {
        var ops = i.Operands;
        switch (i.Op)
        {
            case Opcode.SpecialRegister:
                r[i.Id] = Semantics.Canonical(IrType.I32, (ulong)Special((SpecialRegister)i.Aux, thread));
                break;
            case Opcode.SharedBase:
                r[i.Id] = i.Aux < 0 ? (ulong)program.StaticSharedBytes : (ulong)program.Function.SharedAllocations[i.Aux].Offset;
                break;
            case Opcode.Load:
                r[i.Id] = Load(i.Space, r[ops[0].Id], i.MemoryType, i.Aux != 0, i.Type);
                break;
            case Opcode.Store:
                Store(i.Space, r[ops[0].Id], i.MemoryType, r[ops[1].Id]);
                break;
            case Opcode.LoadVector4:
                {
                    var bytes = Memory(i.Space, r[ops[0].Id], 16);
                    var tuple = new ulong[4];
                    for (var k = 0; k < 4; k++)
                    {
                        tuple[k] = Semantics.Canonical(IrType.Scalar(i.Type.Element), BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * k)..]));
                    }
                    Tuples[(thread.LinearId, i.Id)] = tuple;
                    break;
                }
            case Opcode.StoreVector4:
                {
                    var bytes = Memory(i.Space, r[ops[0].Id], 16);
                    for (var k = 0; k < 4; k++)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(bytes[(4 * k)..], (uint)r[ops[k + 1].Id]);
                    }
                    break;
                }
            case Opcode.Extract:
                r[i.Id] = Tuples[(thread.LinearId, ops[0].Id)][i.Aux];
                break;
            case Opcode.Atomic:
                r[i.Id] = Atomic(i, r);
                break;
            default:
                r[i.Id] = Semantics.Evaluate(i.Op, i.Type, i.Aux, ops.Length > 0 ? ops[0].Type : i.Type,
                    ops.Length > 0 ? r[ops[0].Id] : 0, ops.Length > 1 ? r[ops[1].Id] : 0, ops.Length > 2 ? r[ops[2].Id] : 0);
                break;
        }
    }

    /// <summary>Multi-result values (vector loads, mma, ldmatrix) per (thread, instruction).</summary>
    public Dictionary<(int Thread, int Value), ulong[]> Tuples { get; } = [];

    private int Special(SpecialRegister register, ThreadState thread) => register switch
    {
        SpecialRegister.TidX => thread.ThreadIdx.X,
        SpecialRegister.TidY => thread.ThreadIdx.Y,
        SpecialRegister.TidZ => thread.ThreadIdx.Z,
        SpecialRegister.CtaIdX => blockIdx.X,
        SpecialRegister.CtaIdY => blockIdx.Y,
        SpecialRegister.CtaIdZ => blockIdx.Z,
        SpecialRegister.NTidX => launch.Block.X,
        SpecialRegister.NTidY => launch.Block.Y,
        SpecialRegister.NTidZ => launch.Block.Z,
        SpecialRegister.NCtaIdX => launch.Grid.X,
        SpecialRegister.NCtaIdY => launch.Grid.Y,
        SpecialRegister.NCtaIdZ => launch.Grid.Z,
        SpecialRegister.LaneId => thread.Lane,
        _ => launch.DynamicSharedBytes,
    };

    /// <summary>The bytes of an access: global addresses through the buffer map, shared ones as offsets into the block's array.</summary>
    public Span<byte> Memory(AddressSpace space, ulong address, int size)
    {
        if (space == AddressSpace.Global)
        {
            return launch.Memory.Resolve(address, size, launch.Kernel);
        }
        if (address + (ulong)size > (ulong)shared.Length)
        {
            throw new KernelExecutionException($"Kernel {launch.Kernel}: shared access of {size} bytes at offset {address} is outside the block's {shared.Length} bytes.");
        }
        if (address % (ulong)Math.Min(size, 16) != 0)
        {
            throw new KernelExecutionException($"Kernel {launch.Kernel}: misaligned shared access of {size} bytes at offset {address}.");
        }
        return shared.AsSpan((int)address, size);
    }

    private ulong Load(AddressSpace space, ulong address, IrType memory, bool signed, IrType register)
    {
        var bytes = Memory(space, address, memory.SizeBytes);
        ulong raw = memory.SizeBytes switch
        {
            1 => signed ? (ulong)(sbyte)bytes[0] : bytes[0],
            2 => signed && memory.Kind == ScalarKind.I16 ? (ulong)BinaryPrimitives.ReadInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            4 => signed && memory.Kind == ScalarKind.I32 ? (ulong)BinaryPrimitives.ReadInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        };
        return Semantics.Canonical(register, raw);
    }

    private void Store(AddressSpace space, ulong address, IrType memory, ulong value)
    {
        var bytes = Memory(space, address, memory.SizeBytes);
        switch (memory.SizeBytes)
        {
            case 1: bytes[0] = (byte)value; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(bytes, value); break;
        }
    }

    /// <summary>Threads run one at a time on the CPU, so read-modify-write is atomic by construction.</summary>
    private ulong Atomic(Instruction i, ulong[] r)
    {
        var op = (AtomicOp)(i.Aux & 0xFF);
        var flags = (i.Aux & 0x100) != 0 ? ArithFlags.Unsigned : ArithFlags.None;
        var address = r[i.Operands[0].Id];
        var old = Load(i.Space, address, i.MemoryType, true, i.Type);
        var value = r[i.Operands[^1].Id];
        var updated = op switch
        {
            AtomicOp.Add => Semantics.Evaluate(Opcode.Add, i.Type, 0, i.Type, old, value, 0),
            AtomicOp.Max => Semantics.Evaluate(Opcode.Max, i.Type, (int)flags, i.Type, old, value, 0),
            AtomicOp.Min => Semantics.Evaluate(Opcode.Min, i.Type, (int)flags, i.Type, old, value, 0),
            AtomicOp.Exchange => value,
            _ => (uint)old == (uint)r[i.Operands[1].Id] ? value : old,
        };
        Store(i.Space, address, i.MemoryType, updated);
        return old;
    }
}
