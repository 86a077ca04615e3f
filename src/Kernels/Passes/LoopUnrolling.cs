using Kernels.IR;

namespace Kernels.Passes;

/// <summary>
/// Fully unrolls loops with a compile-time trip count (typically bounded by a specialisation constant):
/// a header whose φ i starts at a constant, steps by a constant (add, sub, mul, div or shift), and is compared with a constant to
/// leave. The loop's blocks are cloned once per iteration (the header once more, for the final test), so
/// the copies become straight-line code that constant folding and CFG simplification flatten. One loop per
/// run, innermost first; loops over <see cref="MaxTrips"/> iterations or <see cref="MaxInstructions"/> stay.
/// </summary>
public sealed class LoopUnrolling : IPass
{
    public const int MaxTrips = 32;
    public const int MaxInstructions = 1500;

    public string Name => "loop-unrolling";

    public bool Run(Function function)
    {
        var dominators = Dominators.Compute(function);
        foreach (var header in function.Blocks)
        {
            foreach (var latch in header.Predecessors)
            {
                if (dominators.Dominates(header, latch) && TryUnroll(function, header, latch))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool TryUnroll(Function function, BasicBlock header, BasicBlock latch)
    {
        if (header.Predecessors.Count != 2 || header.Terminator is not { Op: Opcode.CondBranch } branch
            || branch.Operands[0] is not Instruction { Op: Opcode.Compare } compare || compare.Block != header)
        {
            return false;
        }
        var body = LoopBlocks(header, latch);
        var preheader = header.Predecessors[0] == latch ? header.Predecessors[1] : header.Predecessors[0];
        if (body.Contains(preheader) || !body.Contains(branch.Targets[0]) == !body.Contains(branch.Targets[1]))
        {
            return false;
        }
        // Single exit: only the header leaves the loop; nested loops are unrolled first.
        foreach (var block in body)
        {
            if (block != header && (block.Successors.Any(s => !body.Contains(s)) || (block != latch && block.Successors.Contains(header))))
            {
                return false;
            }
        }
        var continueWhen = body.Contains(branch.Targets[0]);
        var exit = continueWhen ? branch.Targets[1] : branch.Targets[0];
        var fromPreheader = header.Predecessors.IndexOf(preheader);
        var fromLatch = 1 - fromPreheader;
        if (TripCount(header, compare, continueWhen, fromPreheader, fromLatch) is not { } trips
            || trips * body.Sum(b => b.Instructions.Count + b.Phis.Count + 1) > MaxInstructions)
        {
            return false;
        }
        Unroll(function, header, latch, preheader, exit, body, trips, fromPreheader, fromLatch);
        return true;
    }

    /// <summary>The blocks that reach the latch without passing the header, plus the header.</summary>
    private static HashSet<BasicBlock> LoopBlocks(BasicBlock header, BasicBlock latch)
    {
        var blocks = new HashSet<BasicBlock> { header };
        var work = new Stack<BasicBlock>();
        work.Push(latch);
        while (work.Count > 0)
        {
            var block = work.Pop();
            if (blocks.Add(block))
            {
                foreach (var predecessor in block.Predecessors)
                {
                    work.Push(predecessor);
                }
            }
        }
        return blocks;
    }

    /// <summary>Runs the induction variable through the exit test on the host: i = init; while (test(i)) i += step.</summary>
    private static int? TripCount(BasicBlock header, Instruction compare, bool continueWhen, int fromPreheader, int fromLatch)
    {
        var index = Array.FindIndex(compare.Operands, o => o is Phi p && p.Block == header);
        if (index < 0 || compare.Operands[1 - index] is not Constant bound)
        {
            return null;
        }
        var phi = (Phi)compare.Operands[index];
        if (phi.Inputs[fromPreheader] is not Constant init
            || phi.Inputs[fromLatch] is not Instruction { Op: Opcode.Add or Opcode.Sub or Opcode.Mul or Opcode.Div or Opcode.Shl or Opcode.Shr } step
            || step.Operands[0] != phi || step.Operands[1] is not Constant stride)
        {
            return null;
        }
        var i = init.Bits;
        for (var trips = 0; trips <= MaxTrips; trips++)
        {
            var (a, b) = index == 0 ? (i, bound.Bits) : (bound.Bits, i);
            var holds = Semantics.Evaluate(Opcode.Compare, IrType.Pred, compare.Aux, phi.Type, a, b, 0) != 0;
            if (holds != continueWhen)
            {
                return trips;
            }
            i = Semantics.Evaluate(step.Op, step.Type, step.Aux, step.Type, i, stride.Bits, 0);
        }
        return null;
    }

    private static void Unroll(Function function, BasicBlock header, BasicBlock latch, BasicBlock preheader, BasicBlock exit,
        HashSet<BasicBlock> body, int trips, int fromPreheader, int fromLatch)
    {
        var ordered = function.Blocks.Where(body.Contains).ToList();
        var headers = new BasicBlock[trips + 1];
        Dictionary<Value, Value>? previous = null;
        // previousBlocks: the block copies of iteration k - 1, whose latch still points at the original header.
        Dictionary<BasicBlock, BasicBlock>? previousBlocks = null;
        Dictionary<Value, Value> map = [];
        for (var k = 0; k <= trips; k++)
        {
            map = [];
            var blocks = new Dictionary<BasicBlock, BasicBlock>();
            foreach (var block in k < trips ? ordered : [header])
            {
                blocks[block] = function.NewBlock();
            }
            headers[k] = blocks[header];
            // The header's φs become the values of this iteration: the initial ones, then the previous latch's.
            foreach (var phi in header.Phis)
            {
                map[phi] = k == 0 ? phi.Inputs[fromPreheader] : Lookup(previous!, phi.Inputs[fromLatch]);
            }
            foreach (var (original, copy) in blocks)
            {
                if (original != header)
                {
                    foreach (var phi in original.Phis)
                    {
                        var clone = new Phi(phi.Type, copy);
                        copy.Phis.Add(clone);
                        map[phi] = clone;
                    }
                }
                foreach (var instruction in original.Instructions)
                {
                    map[instruction] = new Instruction(instruction.Op, instruction.Type, (Value[])instruction.Operands.Clone(), instruction.Aux)
                    {
                        MemoryType = instruction.MemoryType,
                        Space = instruction.Space,
                        Block = copy,
                    };
                    copy.Instructions.Add((Instruction)map[instruction]);
                }
            }
            foreach (var (original, copy) in blocks)
            {
                foreach (var instruction in copy.Instructions)
                {
                    for (var o = 0; o < instruction.Operands.Length; o++)
                    {
                        instruction.Operands[o] = Lookup(map, instruction.Operands[o]);
                    }
                }
                if (original != header)
                {
                    for (var p = 0; p < original.Phis.Count; p++)
                    {
                        ((Phi)map[original.Phis[p]]).Inputs.AddRange(original.Phis[p].Inputs.Select(v => Lookup(map, v)));
                    }
                    copy.Predecessors.AddRange(original.Predecessors.Select(p => blocks[p]));
                }
                BasicBlock[] targets;
                if (original == header)
                {
                    // The test's outcome is known: continue into this iteration's body, or leave after the last.
                    var inside = header.Terminator!.Targets.First(body.Contains);
                    targets = [k < trips ? blocks[inside] : exit];
                }
                else
                {
                    targets = [.. original.Terminator!.Targets.Select(t => t == header ? header : blocks[t])];
                }
                copy.Terminator = new Instruction(targets.Length == 1 ? Opcode.Branch : original.Terminator!.Op, IrType.Void,
                    original == header ? [] : [.. original.Terminator!.Operands.Select(v => Lookup(map, v))])
                { Targets = targets, Block = copy };
            }
            if (k > 0)
            {
                // The previous iteration's latch jumps to this iteration's header copy.
                var latchCopy = previousBlocks![latch];
                latchCopy.Terminator!.Targets = [.. latchCopy.Terminator.Targets.Select(t => t == header ? headers[k] : t)];
                headers[k].Predecessors.Add(latchCopy);
            }
            previous = map;
            previousBlocks = blocks;
        }
        // Enter the first copy from the preheader; leave from the last one.
        preheader.Terminator!.Targets = [.. preheader.Terminator.Targets.Select(t => t == header ? headers[0] : t)];
        headers[0].Predecessors.Add(preheader);
        exit.Predecessors[exit.Predecessors.IndexOf(header)] = headers[trips];
        // Values of the header (the only loop values that dominate the exit) take their final iteration's copies.
        var final = new Dictionary<Value, Value>();
        foreach (var phi in header.Phis)
        {
            final[phi] = map[phi];
        }
        foreach (var instruction in header.Instructions)
        {
            final[instruction] = map[instruction];
        }
        function.Blocks.RemoveAll(body.Contains);
        function.ReplaceUses(final);
    }

    private static Value Lookup(Dictionary<Value, Value> map, Value value) => map.TryGetValue(value, out var mapped) ? mapped : value;
}
