using System.Runtime.CompilerServices;
using Kernels.IR;

namespace Kernels.Cpu;

/// <summary>A compiled kernel's IR prepared for interpretation: dense value ids and the constant register template.</summary>
internal sealed class CpuProgram
{
    private static readonly ConditionalWeakTable<CompiledKernel, CpuProgram> Programs = [];

    private CpuProgram(Function function)
    {
        Function = function;
        lock (function)
        {
            ValueCount = function.Renumber();
            Template = new ulong[ValueCount];
            foreach (var block in function.Blocks)
            {
                foreach (var phi in block.Phis)
                {
                    foreach (var input in phi.Inputs)
                    {
                        Fill(input);
                    }
                }
                foreach (var instruction in Function.AllOf(block))
                {
                    foreach (var operand in instruction.Operands)
                    {
                        Fill(operand);
                    }
                }
            }
            PhiIndex = [];
            foreach (var block in function.Blocks)
            {
                for (var p = 0; p < block.Predecessors.Count; p++)
                {
                    PhiIndex.TryAdd((block.Predecessors[p], block), p);
                }
            }
        }
    }

    public Function Function { get; }

    public int ValueCount { get; }

    /// <summary>Registers at thread start: constants in place, everything else zero.</summary>
    public ulong[] Template { get; }

    /// <summary>Which φ input belongs to the edge (from, to).</summary>
    public Dictionary<(BasicBlock From, BasicBlock To), int> PhiIndex { get; }

    public int StaticSharedBytes => Function.StaticSharedBytes;

    public static CpuProgram For(CompiledKernel kernel) => Programs.GetValue(kernel, k => new CpuProgram(k.Ir));

    private void Fill(Value value)
    {
        if (value is Constant constant)
        {
            Template[constant.Id] = Semantics.Canonical(constant.Type, constant.Bits);
        }
    }
}
