namespace Kernels.IR;

/// <summary>A kernel in SSA form: flattened parameters, blocks (the first is the entry) and shared allocations.</summary>
public sealed class Function(string name)
{
    public string Name { get; } = name;

    public List<Parameter> Parameters { get; } = [];

    public List<BasicBlock> Blocks { get; } = [];

    public List<SharedAllocation> SharedAllocations { get; } = [];

    public bool UsesDynamicShared { get; set; }

    public BasicBlock Entry => Blocks[0];

    /// <summary>Bytes of static shared memory, each allocation aligned to 16 bytes.</summary>
    public int StaticSharedBytes => SharedAllocations.Count == 0 ? 0 : AlignUp(SharedAllocations[^1].Offset + SharedAllocations[^1].SizeBytes, 16);

    public SharedAllocation AddSharedAllocation(IrType element, int count)
    {
        var offset = AlignUp(SharedAllocations.Count == 0 ? 0 : SharedAllocations[^1].Offset + SharedAllocations[^1].SizeBytes, 16);
        var allocation = new SharedAllocation(SharedAllocations.Count, element, count, offset);
        SharedAllocations.Add(allocation);
        return allocation;
    }

    public BasicBlock NewBlock()
    {
        var block = new BasicBlock(Blocks.Count);
        Blocks.Add(block);
        return block;
    }

    public IEnumerable<Instruction> AllInstructions()
    {
        foreach (var block in Blocks)
        {
            foreach (var instruction in block.Instructions)
            {
                yield return instruction;
            }
            if (block.Terminator is { } terminator)
            {
                yield return terminator;
            }
        }
    }

    /// <summary>Gives parameters, φs and instructions dense ids 0..N-1 (constants get ids after them) and blocks their index.</summary>
    public int Renumber()
    {
        var next = 0;
        foreach (var parameter in Parameters)
        {
            parameter.Id = next++;
        }
        for (var i = 0; i < Blocks.Count; i++)
        {
            var block = Blocks[i];
            block.Id = i;
            foreach (var phi in block.Phis)
            {
                phi.Id = next++;
            }
            foreach (var instruction in block.Instructions)
            {
                instruction.Id = next++;
            }
            if (block.Terminator is { } terminator)
            {
                terminator.Id = next++;
            }
        }
        foreach (var block in Blocks)
        {
            foreach (var phi in block.Phis)
            {
                foreach (var input in phi.Inputs)
                {
                    if (input is Constant c)
                    {
                        c.Id = next++;
                    }
                }
            }
            foreach (var instruction in block.Instructions)
            {
                foreach (var operand in instruction.Operands)
                {
                    if (operand is Constant c)
                    {
                        c.Id = next++;
                    }
                }
            }
            if (block.Terminator is { } terminator)
            {
                foreach (var operand in terminator.Operands)
                {
                    if (operand is Constant c)
                    {
                        c.Id = next++;
                    }
                }
            }
        }
        return next;
    }

    /// <summary>Rewrites every operand and φ input through <paramref name="replacements"/> (followed to a fixed point).</summary>
    public void ReplaceUses(Dictionary<Value, Value> replacements)
    {
        if (replacements.Count == 0)
        {
            return;
        }
        Value Resolve(Value v)
        {
            while (replacements.TryGetValue(v, out var next))
            {
                v = next;
            }
            return v;
        }
        foreach (var block in Blocks)
        {
            foreach (var phi in block.Phis)
            {
                for (var i = 0; i < phi.Inputs.Count; i++)
                {
                    phi.Inputs[i] = Resolve(phi.Inputs[i]);
                }
            }
            foreach (var instruction in AllOf(block))
            {
                for (var i = 0; i < instruction.Operands.Length; i++)
                {
                    instruction.Operands[i] = Resolve(instruction.Operands[i]);
                }
            }
        }
    }

    public static IEnumerable<Instruction> AllOf(BasicBlock block)
    {
        foreach (var instruction in block.Instructions)
        {
            yield return instruction;
        }
        if (block.Terminator is { } terminator)
        {
            yield return terminator;
        }
    }

    private static int AlignUp(int value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
