using Kernels.IR;

namespace Kernels.Cpu;

/// <summary>
/// The warp-wide instructions, executed once for all lanes: shfl.sync, vote.sync, and the tensor-core
/// mma.m16n8k16 and ldmatrix with the PTX ISA fragment layouts (groupID g = lane/4, t = lane%4).
/// </summary>
internal static class WarpCollectives
{
    public static void Execute(Instruction i, Span<ThreadState> lanes, ThreadInterpreter interpreter, string kernel)
    {
        switch (i.Op)
        {
            case Opcode.Shuffle:
                Shuffle(i, lanes);
                break;
            case Opcode.Vote:
                Vote(i, lanes);
                break;
            case Opcode.Mma:
                Mma(i, lanes, interpreter, kernel);
                break;
            default:
                LdMatrix(i, lanes, interpreter, kernel);
                break;
        }
    }

    private static void Shuffle(Instruction i, Span<ThreadState> lanes)
    {
        var value = i.Operands[0].Id;
        var lane = i.Operands[1].Id;
        Span<ulong> results = stackalloc ulong[lanes.Length];
        for (var l = 0; l < lanes.Length; l++)
        {
            var b = (int)lanes[l].Registers[lane];
            var source = (ShuffleMode)i.Aux switch
            {
                ShuffleMode.Xor => l ^ (b & 31),
                ShuffleMode.Down => l + b,
                ShuffleMode.Up => l - b,
                _ => b & 31,
            };
            // Out of the warp, or an exited lane: the lane keeps its own value.
            var valid = source >= 0 && source < lanes.Length && lanes[source].Status != ThreadStatus.Exited;
            results[l] = lanes[valid ? source : l].Registers[value];
        }
        for (var l = 0; l < lanes.Length; l++)
        {
            if (lanes[l].Status != ThreadStatus.Exited)
            {
                lanes[l].Registers[i.Id] = results[l];
            }
        }
    }

    private static void Vote(Instruction i, Span<ThreadState> lanes)
    {
        var predicate = i.Operands[0].Id;
        uint ballot = 0;
        var all = true;
        for (var l = 0; l < lanes.Length; l++)
        {
            if (lanes[l].Status == ThreadStatus.Exited)
            {
                continue;
            }
            var bit = (lanes[l].Registers[predicate] & 1) != 0;
            ballot |= bit ? 1u << l : 0;
            all &= bit;
        }
        ulong result = (VoteMode)i.Aux switch
        {
            VoteMode.Any => ballot != 0 ? 1UL : 0UL,
            VoteMode.All => all ? 1UL : 0UL,
            _ => Semantics.Canonical(IrType.I32, ballot),
        };
        foreach (var thread in lanes)
        {
            if (thread.Status != ThreadStatus.Exited)
            {
                thread.Registers[i.Id] = result;
            }
        }
    }

    /// <summary>D = A·B + C for m16n8k16: products of 16-bit floats are exact in f32; sums run in k order in f32.</summary>
    private static void Mma(Instruction i, Span<ThreadState> lanes, ThreadInterpreter interpreter, string kernel)
    {
        RequireFullWarp(lanes, kernel, "mma.sync");
        var bf16 = (MmaKind)i.Aux == MmaKind.Bf16;
        var a = new float[16, 16];
        var b = new float[16, 8];
        var c = new float[16, 8];
        for (var lane = 0; lane < 32; lane++)
        {
            var r = lanes[lane].Registers;
            int g = lane >> 2, t = lane & 3;
            for (var reg = 0; reg < 4; reg++)
            {
                var word = (uint)r[i.Operands[reg].Id];
                var row = g + ((reg & 1) * 8);
                var col = (t * 2) + ((reg >> 1) * 8);
                a[row, col] = Half16(word & 0xFFFF, bf16);
                a[row, col + 1] = Half16(word >> 16, bf16);
            }
            for (var reg = 0; reg < 2; reg++)
            {
                var word = (uint)r[i.Operands[4 + reg].Id];
                var row = (t * 2) + (reg * 8);
                b[row, g] = Half16(word & 0xFFFF, bf16);
                b[row + 1, g] = Half16(word >> 16, bf16);
            }
            for (var k = 0; k < 4; k++)
            {
                c[g + ((k >> 1) * 8), (t * 2) + (k & 1)] = Semantics.F32(r[i.Operands[6 + k].Id]);
            }
        }
        for (var lane = 0; lane < 32; lane++)
        {
            int g = lane >> 2, t = lane & 3;
            var d = new ulong[4];
            for (var k = 0; k < 4; k++)
            {
                int row = g + ((k >> 1) * 8), col = (t * 2) + (k & 1);
                var sum = c[row, col];
                for (var kk = 0; kk < 16; kk++)
                {
                    sum += a[row, kk] * b[kk, col];
                }
                d[k] = Semantics.Of(sum);
            }
            interpreter.Tuples[(lanes[lane].LinearId, i.Id)] = d;
        }
    }

    /// <summary>
    /// ldmatrix: lanes 8m..8m+7 give the addresses of the 8 rows of matrix m; lane l receives from each matrix
    /// the pair (row l/4, columns 2(l%4), 2(l%4)+1), or with .trans the pair (rows 2(l%4), 2(l%4)+1, column l/4).
    /// </summary>
    private static void LdMatrix(Instruction i, Span<ThreadState> lanes, ThreadInterpreter interpreter, string kernel)
    {
        RequireFullWarp(lanes, kernel, "ldmatrix");
        var kind = (LdMatrixKind)i.Aux;
        var count = kind == LdMatrixKind.X4 ? 4 : 2;
        var matrices = new ushort[count, 8, 8];
        for (var m = 0; m < count; m++)
        {
            for (var row = 0; row < 8; row++)
            {
                var address = lanes[(m * 8) + row].Registers[i.Operands[0].Id];
                var bytes = interpreter.Memory(AddressSpace.Shared, address, 16);
                for (var col = 0; col < 8; col++)
                {
                    matrices[m, row, col] = (ushort)(bytes[2 * col] | (bytes[(2 * col) + 1] << 8));
                }
            }
        }
        for (var lane = 0; lane < 32; lane++)
        {
            var result = new ulong[count];
            for (var m = 0; m < count; m++)
            {
                int r = lane >> 2, c = (lane & 3) * 2;
                uint lo, hi;
                if (kind == LdMatrixKind.X2Trans)
                {
                    lo = matrices[m, c, r];
                    hi = matrices[m, c + 1, r];
                }
                else
                {
                    lo = matrices[m, r, c];
                    hi = matrices[m, r, c + 1];
                }
                result[m] = Semantics.Canonical(IrType.I32, lo | (hi << 16));
            }
            interpreter.Tuples[(lanes[lane].LinearId, i.Id)] = result;
        }
    }

    private static float Half16(uint bits, bool bf16) =>
        bf16 ? BitConverter.UInt32BitsToSingle(bits << 16) : (float)BitConverter.UInt16BitsToHalf((ushort)bits);

    private static void RequireFullWarp(Span<ThreadState> lanes, string kernel, string what)
    {
        if (lanes.Length != 32 || lanes.ToArray().Any(t => t.Status == ThreadStatus.Exited))
        {
            throw new KernelExecutionException($"Kernel {kernel}: {what} needs all 32 lanes of the warp.");
        }
    }
}
