using Kernels.IR;

namespace Kernels.Passes;

/// <summary>Removes pure instructions and φs whose results nobody uses (mark from the side-effecting roots).</summary>
public sealed class DeadCodeElimination : IPass
{
    public string Name => "dead-code-elimination";

    public bool Run(Function function)
    {
        var live = new HashSet<Value>();
        var work = new Stack<Value>();
        foreach (var instruction in function.AllInstructions())
        {
            if (!instruction.IsPure)
            {
                work.Push(instruction);
            }
        }
        while (work.Count > 0)
        {
            var value = work.Pop();
            if (!live.Add(value))
            {
                continue;
            }
            IEnumerable<Value> operands = value switch
            {
                Instruction i => i.Operands,
                Phi p => p.Inputs,
                _ => [],
            };
            foreach (var operand in operands)
            {
                if (operand is Instruction or Phi)
                {
                    work.Push(operand);
                }
            }
        }
        var changed = false;
        foreach (var block in function.Blocks)
        {
            changed |= block.Instructions.RemoveAll(i => !live.Contains(i)) > 0;
            changed |= block.Phis.RemoveAll(p => !live.Contains(p)) > 0;
        }
        return changed;
    }
}
