namespace Kernels.IR;

/// <summary>Dominator sets by the iterative data-flow algorithm (Cooper, Harvey, Kennedy 2001), fine for kernel-sized CFGs.</summary>
public sealed class Dominators
{
    private readonly Dictionary<BasicBlock, BasicBlock?> _idom = [];

    private Dominators()
    {
    }

    public static Dominators Compute(Function function)
    {
        var result = new Dominators();
        var order = ReversePostOrder(function);
        var index = new Dictionary<BasicBlock, int>();
        for (var i = 0; i < order.Count; i++)
        {
            index[order[i]] = i;
        }
        var idom = result._idom;
        idom[function.Entry] = function.Entry;
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var block in order.Skip(1))
            {
                BasicBlock? newIdom = null;
                foreach (var predecessor in block.Predecessors)
                {
                    if (!idom.ContainsKey(predecessor))
                    {
                        continue;
                    }
                    newIdom = newIdom is null ? predecessor : Intersect(predecessor, newIdom, idom, index);
                }
                if (newIdom is not null && (!idom.TryGetValue(block, out var old) || old != newIdom))
                {
                    idom[block] = newIdom;
                    changed = true;
                }
            }
        }
        return result;
    }

    public bool IsReachable(BasicBlock block) => _idom.ContainsKey(block);

    public BasicBlock? ImmediateDominator(BasicBlock block) =>
        _idom.TryGetValue(block, out var idom) && idom != block ? idom : null;

    /// <summary>True when every path from the entry to <paramref name="b"/> passes through <paramref name="a"/>.</summary>
    public bool Dominates(BasicBlock a, BasicBlock b)
    {
        if (!_idom.ContainsKey(b))
        {
            return true;
        }
        var current = b;
        while (true)
        {
            if (current == a)
            {
                return true;
            }
            var next = _idom[current];
            if (next is null || next == current)
            {
                return false;
            }
            current = next;
        }
    }

    private static BasicBlock Intersect(BasicBlock a, BasicBlock b, Dictionary<BasicBlock, BasicBlock?> idom, Dictionary<BasicBlock, int> index)
    {
        while (a != b)
        {
            while (index[a] > index[b])
            {
                a = idom[a]!;
            }
            while (index[b] > index[a])
            {
                b = idom[b]!;
            }
        }
        return a;
    }

    public static List<BasicBlock> ReversePostOrder(Function function)
    {
        var visited = new HashSet<BasicBlock>();
        var post = new List<BasicBlock>();
        var stack = new Stack<(BasicBlock Block, int Next)>();
        stack.Push((function.Entry, 0));
        visited.Add(function.Entry);
        while (stack.Count > 0)
        {
            var (block, next) = stack.Pop();
            if (next < block.Successors.Count)
            {
                stack.Push((block, next + 1));
                var successor = block.Successors[next];
                if (visited.Add(successor))
                {
                    stack.Push((successor, 0));
                }
            }
            else
            {
                post.Add(block);
            }
        }
        post.Reverse();
        return post;
    }
}
