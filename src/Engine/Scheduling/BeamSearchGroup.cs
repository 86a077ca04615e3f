using Engine.Sampling;

namespace Engine.Scheduling;

/// <summary>
/// One beam search served by the engine (samplers.md §8.5): its live beams are ordinary <see cref="Request"/>s that the
/// scheduler runs side by side. Each step the runner hands every beam's logits to <see cref="SetCandidates"/>
/// instead of sampling; once every live beam has its candidates, <see cref="Scheduler"/> calls <see cref="Advance"/>,
/// forks the chosen children from their parents (sharing the parents' KV blocks) and retires the parents. Lives on
/// the core thread; <see cref="Results"/> is read after the root's channel completes.
/// </summary>
public sealed class BeamSearchGroup
{
    private readonly BeamSearchState _state;
    private readonly Func<RequestId> _nextId;
    private readonly SamplerWorkspace _workspace;
    private readonly float[] _probs;
    private readonly TokenLogprob[][] _candidates;
    private readonly int[] _counts;
    private readonly bool[] _ready;
    private List<Request> _live = [];
    private int _numReady;

    /// <param name="nextId">Hands out request ids for forked beams (unique engine-wide).</param>
    /// <param name="workspace">Sampler scratch of the core thread.</param>
    public BeamSearchGroup(BeamSearchConfig config, Func<RequestId> nextId, SamplerWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(workspace);
        _state = new BeamSearchState(config);
        _nextId = nextId;
        _workspace = workspace;
        _probs = new float[workspace.VocabSize];
        // the best 2W tokens of each beam hold the best 2W (parent, token) pairs overall; more when logprobs asks more
        var k = Math.Max(2 * config.BeamWidth, config.NumLogprobs);
        _candidates = [.. Enumerable.Range(0, config.BeamWidth).Select(_ => new TokenLogprob[k])];
        _counts = new int[config.BeamWidth];
        _ready = new bool[config.BeamWidth];
    }

    /// <summary>The first beam (the prompt); its id names the whole search for aborts and its channel completes with it.</summary>
    public Request? Root { get; private set; }

    public IReadOnlyList<Request> Live => _live;

    public bool IsDone => _state.IsDone;

    /// <summary>The n best finished sequences by score, best first (final once <see cref="IsDone"/>).</summary>
    public IReadOnlyList<GeneratedSequence> Results => _state.Results;

    internal bool IsReady => _live.Count > 0 && _numReady == _live.Count;

    /// <summary>Makes <paramref name="root"/> (a request whose <see cref="Request.BeamGroup"/> is this group) the only live beam.</summary>
    public void Attach(Request root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (Root is not null || root.BeamGroup != this)
        {
            throw new InvalidOperationException("A beam search group takes exactly one root request, built with BeamGroup = the group.");
        }
        Root = root;
        _live = [root];
    }

    // Records a live beam's candidates from its raw logits: the request's chain S0–S6 (greedy: temperature and
    // truncation off), then the best 2W tokens by ln p of that distribution; a beam whose tokens were all removed
    // has none. Overwrites earlier candidates of the same beam (a preempted beam computes them again).
    internal void SetCandidates(Request beam, Span<float> logits)
    {
        var index = _live.IndexOf(beam);
        if (index < 0)
        {
            return;
        }
        var alive = beam.Sampler.ProcessDistribution(logits, beam.PromptTokenIds, beam.OutputTokenIds, _probs);
        _counts[index] = alive ? TokenLogprobs.Top(_probs, _candidates[index], _workspace) : 0;
        if (!_ready[index])
        {
            _ready[index] = true;
            _numReady++;
        }
    }

    // One step of the search over the recorded candidates; returns each new live beam with the beam it forks from.
    internal IReadOnlyList<(Request Parent, Request Child)> Advance()
    {
        var candidates = new IReadOnlyList<TokenLogprob>[_live.Count];
        for (var b = 0; b < _live.Count; b++)
        {
            candidates[b] = new ArraySegment<TokenLogprob>(_candidates[b], 0, _counts[b]);
        }
        var parents = _state.Advance(candidates);
        var forks = new (Request Parent, Request Child)[parents.Count];
        var next = new List<Request>(parents.Count);
        for (var i = 0; i < parents.Count; i++)
        {
            var parent = _live[parents[i]];
            var beam = _state.Live[i];
            var child = parent.Fork(_nextId(), beam.Tokens[^1]);
            child.CumulativeLogprob = beam.CumulativeLogprob;
            forks[i] = (parent, child);
            next.Add(child);
        }
        _live = next;
        Array.Clear(_ready);
        _numReady = 0;
        return forks;
    }
}
