using Kernels.IR;

namespace Kernels.Frontend;

/// <summary>
/// SSA construction after Braun et al. (2013), "Simple and Efficient Construction of SSA Form": variables are
/// written per block, reads look backwards through predecessors and place φs. Blocks are sealed together at the
/// end (inlining keeps adding edges until then), so every non-local read first makes an incomplete φ;
/// <see cref="Finish"/> completes them and removes the trivial ones.
/// </summary>
internal sealed class SsaBuilder(Function function)
{
    private readonly List<IrType> _types = [];
    private readonly Dictionary<(int Variable, BasicBlock Block), Value> _defs = [];
    private readonly Dictionary<BasicBlock, List<(Phi Phi, int Variable)>> _incomplete = [];
    private readonly HashSet<BasicBlock> _sealedBlocks = [];
    private bool _sealed;

    /// <summary>A new variable; a pointer type with no space takes the space of its first write.</summary>
    public int NewVariable(IrType type)
    {
        _types.Add(type);
        return _types.Count - 1;
    }

    public IrType TypeOf(int variable) => _types[variable];

    public void Write(int variable, BasicBlock block, Value value)
    {
        if (_types[variable].Kind == ScalarKind.Ptr && _types[variable].Space == AddressSpace.None)
        {
            _types[variable] = value.Type;
        }
        _defs[(variable, block)] = value;
    }

    public Value Read(int variable, BasicBlock block)
    {
        if (_defs.TryGetValue((variable, block), out var value))
        {
            return value;
        }
        Value result;
        if (!_sealed && block != function.Entry && !_sealedBlocks.Contains(block))
        {
            var phi = new Phi(_types[variable], block);
            block.Phis.Add(phi);
            if (!_incomplete.TryGetValue(block, out var pending))
            {
                _incomplete[block] = pending = [];
            }
            pending.Add((phi, variable));
            result = phi;
        }
        else if (block.Predecessors.Count == 0)
        {
            // Locals start zeroed (.locals init); reads before any write see 0.
            result = Constant.Zero(_types[variable]);
        }
        else if (block.Predecessors.Count == 1)
        {
            result = Read(variable, block.Predecessors[0]);
        }
        else
        {
            var phi = new Phi(_types[variable], block);
            block.Phis.Add(phi);
            _defs[(variable, block)] = phi;
            AddOperands(phi, variable);
            result = phi;
        }
        _defs[(variable, block)] = result;
        return result;
    }

    /// <summary>Seals a block whose predecessors are all known (a call's continuation): later reads need no incomplete φ.</summary>
    public void Seal(BasicBlock block)
    {
        _sealedBlocks.Add(block);
        if (_incomplete.Remove(block, out var pending))
        {
            foreach (var (phi, variable) in pending)
            {
                AddOperands(phi, variable);
            }
        }
    }

    /// <summary>Seals every block: fills the incomplete φs, then removes trivial φs to a fixed point.</summary>
    public void Finish()
    {
        _sealed = true;
        // Filling a φ can create no new incomplete ones now (_sealed), so one sweep completes them all.
        foreach (var pending in _incomplete.Values)
        {
            foreach (var (phi, variable) in pending)
            {
                AddOperands(phi, variable);
            }
        }
        _incomplete.Clear();
        TrivialPhis.Remove(function);
    }

    private void AddOperands(Phi phi, int variable)
    {
        foreach (var predecessor in phi.Block.Predecessors)
        {
            phi.Inputs.Add(Read(variable, predecessor));
        }
        if (phi.Type.Kind == ScalarKind.Ptr && phi.Type.Space == AddressSpace.None)
        {
            phi.Type = phi.Inputs.Select(v => v.Type).FirstOrDefault(t => t.Space != AddressSpace.None, phi.Type);
        }
    }
}
