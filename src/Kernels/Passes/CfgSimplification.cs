using Kernels.IR;

namespace Kernels.Passes;

/// <summary>
/// Simplifies the control-flow graph: a conditional branch on a constant becomes a jump, unreachable blocks
/// go, a block that only jumps to a successor with a single predecessor absorbs it, and trivial φs fold.
/// </summary>
public sealed class CfgSimplification : IPass
{
    public string Name => "cfg-simplification";

    public bool Run(Function function)
    {
        var changed = FoldConstantBranches(function);
        changed |= RemoveUnreachable(function);
        changed |= MergeStraightLines(function);
        changed |= ThreadEmptyBlocks(function);
        var phiCount = function.Blocks.Sum(b => b.Phis.Count);
        TrivialPhis.Remove(function);
        changed |= phiCount != function.Blocks.Sum(b => b.Phis.Count);
        return changed;
    }

    private static bool FoldConstantBranches(Function function)
    {
        var changed = false;
        foreach (var block in function.Blocks)
        {
            if (block.Terminator is { Op: Opcode.CondBranch } branch
                && (branch.Operands[0] is Constant || branch.Targets[0] == branch.Targets[1]))
            {
                var taken = branch.Operands[0] is Constant c ? (c.Bits & 1) != 0 : true;
                var keep = taken ? branch.Targets[0] : branch.Targets[1];
                var drop = taken ? branch.Targets[1] : branch.Targets[0];
                RemoveEdge(block, drop);
                block.Terminator = new Instruction(Opcode.Branch, IrType.Void, []) { Targets = [keep], Block = block };
                changed = true;
            }
        }
        return changed;
    }

    /// <summary>Removes one edge pred → succ and the matching φ input.</summary>
    private static void RemoveEdge(BasicBlock pred, BasicBlock succ)
    {
        var index = succ.Predecessors.IndexOf(pred);
        succ.Predecessors.RemoveAt(index);
        foreach (var phi in succ.Phis)
        {
            phi.Inputs.RemoveAt(index);
        }
    }

    private static bool RemoveUnreachable(Function function)
    {
        var reachable = new HashSet<BasicBlock>();
        var work = new Stack<BasicBlock>();
        work.Push(function.Entry);
        while (work.Count > 0)
        {
            var block = work.Pop();
            if (reachable.Add(block))
            {
                foreach (var successor in block.Successors)
                {
                    work.Push(successor);
                }
            }
        }
        if (reachable.Count == function.Blocks.Count)
        {
            return false;
        }
        foreach (var block in function.Blocks.Where(b => !reachable.Contains(b)).ToList())
        {
            foreach (var successor in block.Successors.Distinct().ToList())
            {
                while (successor.Predecessors.Contains(block))
                {
                    RemoveEdge(block, successor);
                }
            }
        }
        function.Blocks.RemoveAll(b => !reachable.Contains(b));
        return true;
    }

    /// <summary>
    /// A block with nothing but a jump is bypassed: its predecessors branch straight to its target. Skipped when
    /// the target has φs and a predecessor already reaches it (the φ could not tell the two edges apart).
    /// </summary>
    private static bool ThreadEmptyBlocks(Function function)
    {
        var changed = false;
        foreach (var block in function.Blocks.ToList())
        {
            if (block == function.Entry || block.Phis.Count > 0 || block.Instructions.Count > 0
                || block.Terminator is not { Op: Opcode.Branch } jump || jump.Targets[0] == block)
            {
                continue;
            }
            var target = jump.Targets[0];
            if (target.Phis.Count > 0 && block.Predecessors.Any(p => p.Successors.Contains(target)))
            {
                continue;
            }
            var edge = target.Predecessors.IndexOf(block);
            foreach (var predecessor in block.Predecessors.ToList())
            {
                var terminator = predecessor.Terminator!;
                for (var t = 0; t < terminator.Targets.Length; t++)
                {
                    if (terminator.Targets[t] == block)
                    {
                        terminator.Targets[t] = target;
                        target.Predecessors.Add(predecessor);
                        foreach (var phi in target.Phis)
                        {
                            phi.Inputs.Add(phi.Inputs[edge]);
                        }
                    }
                }
            }
            RemoveEdge(block, target);
            block.Predecessors.Clear();
            function.Blocks.Remove(block);
            changed = true;
        }
        return changed;
    }

    private static bool MergeStraightLines(Function function)
    {
        var changed = false;
        for (var i = 0; i < function.Blocks.Count; i++)
        {
            var block = function.Blocks[i];
            while (block.Terminator is { Op: Opcode.Branch } jump && jump.Targets[0] is var next
                && next != block && next != function.Entry && next.Predecessors.Count == 1)
            {
                var replacements = new Dictionary<Value, Value>();
                foreach (var phi in next.Phis)
                {
                    replacements[phi] = phi.Inputs[0];
                }
                foreach (var instruction in next.Instructions)
                {
                    instruction.Block = block;
                    block.Instructions.Add(instruction);
                }
                block.Terminator = next.Terminator;
                block.Terminator!.Block = block;
                foreach (var successor in next.Successors.Distinct())
                {
                    for (var p = 0; p < successor.Predecessors.Count; p++)
                    {
                        if (successor.Predecessors[p] == next)
                        {
                            successor.Predecessors[p] = block;
                        }
                    }
                }
                function.Blocks.Remove(next);
                function.ReplaceUses(replacements);
                changed = true;
            }
        }
        return changed;
    }
}
