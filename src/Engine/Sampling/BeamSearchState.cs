using Engine.Output;

namespace Engine.Sampling;

/// <summary>
/// The bookkeeping of one beam search (§8.5, vLLM v0 / aph-0.6), one step at a time, free of any model: the live
/// beams, the pool of the W best finished candidates, and the <c>early_stopping</c> rule. <see cref="BeamSearch.Run"/>
/// drives it over whole log-probability rows; the engine drives it over each live beam's best 2W tokens, which is
/// enough because the best 2W (parent, token) pairs overall are among the best 2W of each parent.
/// </summary>
public sealed class BeamSearchState
{
    private readonly BeamSearchConfig _config;
    private List<Beam> _live = [new Beam([], 0.0, [])];
    private List<GeneratedSequence> _finished = [];

    public BeamSearchState(BeamSearchConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
    }

    /// <summary>The beams to expand next, best first (all of the same output length).</summary>
    public IReadOnlyList<Beam> Live => _live;

    /// <summary>True once no beam is live: <see cref="Results"/> is final.</summary>
    public bool IsDone => _live.Count == 0;

    /// <summary>The <c>n</c> best finished sequences by score, best first.</summary>
    public IReadOnlyList<GeneratedSequence> Results => [.. _finished.Take(_config.N)];

    /// <summary>
    /// One step. <paramref name="candidates"/>[b] holds live beam b's next-token log-probabilities (at least its best
    /// 2W finite ones; a beam with none left is dropped). Keeps the best 2W (parent, token) pairs by cumulative
    /// log-probability (ties: parent, then token id), moves the finished ones to the pool, refills up to W live beams
    /// and applies <c>early_stopping</c>. Returns the parent index of each new live beam.
    /// </summary>
    public IReadOnlyList<int> Advance(IReadOnlyList<IReadOnlyList<TokenLogprob>> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count != _live.Count)
        {
            throw new ArgumentException($"Got candidates for {candidates.Count} beams, but {_live.Count} are live.", nameof(candidates));
        }
        var w = _config.BeamWidth;
        var pairs = new List<(double Cum, int Parent, TokenLogprob Token)>();
        for (var b = 0; b < _live.Count; b++)
        {
            foreach (var c in candidates[b])
            {
                if (c.Logprob > TokenLogprobs.Removed && float.IsFinite(c.Logprob))
                {
                    pairs.Add((_live[b].CumulativeLogprob + c.Logprob, b, c));
                }
            }
        }
        pairs.Sort(static (x, y) => y.Cum != x.Cum ? y.Cum.CompareTo(x.Cum)
            : x.Parent != y.Parent ? x.Parent.CompareTo(y.Parent) : x.Token.TokenId.CompareTo(y.Token.TokenId));

        var newLive = new List<Beam>();
        var parents = new List<int>();
        foreach (var (cum, parent, token) in pairs.Take(2 * w))
        {
            var from = _live[parent];
            var top = _config.NumLogprobs > 0 ? candidates[parent].Take(_config.NumLogprobs).ToArray() : [];
            var child = new Beam([.. from.Tokens, token.TokenId], cum, [.. from.Logprobs, new SampleLogprobs(token.TokenId, token.Logprob, top)]);
            var decision = Finish(child.Tokens);
            if (decision.Kind != StopKind.None)
            {
                _finished.Add(new GeneratedSequence(child.Tokens, cum, ScoreOf(child.Tokens, cum, null), decision) { Logprobs = child.Logprobs });
            }
            else
            {
                newLive.Add(child);
                parents.Add(parent);
            }
        }
        // stable: equal scores keep their candidate order
        _finished = [.. _finished.OrderByDescending(s => s.Score)];
        var stop = newLive.Count == 0
            || (_finished.Count >= w && ShouldStop(newLive[0].Tokens, newLive[0].CumulativeLogprob, _finished[w - 1].Score));
        if (_finished.Count > w)
        {
            _finished.RemoveRange(w, _finished.Count - w);
        }
        if (stop)
        {
            _live = [];
            return [];
        }
        // live children all have the same length, so score order is cumulative order
        _live = [.. newLive.Take(w)];
        return [.. parents.Take(w)];
    }

    private StopDecision Finish(IReadOnlyList<int> tokens)
    {
        var config = _config;
        var generated = tokens.Count;
        var decision = config.StopConditions?.Check(tokens[^1], generated, config.PromptLength) ?? StopDecision.Continue;
        if (decision.Kind != StopKind.None)
        {
            return decision;
        }
        if (config.StopsOnText?.Invoke(tokens) == true)
        {
            return new StopDecision(StopKind.StopString, null, false);
        }
        return generated >= config.MaxTokens || config.PromptLength + generated >= config.MaxModelLen
            ? new StopDecision(StopKind.Length, null, true)
            : StopDecision.Continue;
    }

    private double ScoreOf(IReadOnlyList<int> tokens, double cum, int? length)
    {
        var len = length ?? _config.PromptLength + tokens.Count - (tokens.Count > 0 && _config.EosTokenIds.Contains(tokens[^1]) ? 1 : 0);
        return BeamSearch.Score(cum, len, _config.LengthPenalty);
    }

    // vLLM's _check_beam_search_early_stopping: the W-th finished score against the best live beam's attainable score.
    private bool ShouldStop(IReadOnlyList<int> bestLive, double bestLiveCum, double worstFinishedScore)
    {
        switch (_config.EarlyStopping)
        {
            case EarlyStopping.True:
                return true;
            case EarlyStopping.Never when _config.LengthPenalty > 0f:
                var longest = Math.Max(_config.PromptLength + _config.MaxTokens, _config.MaxModelLen);
                return worstFinishedScore >= ScoreOf(bestLive, bestLiveCum, longest);
            default:
                return worstFinishedScore >= ScoreOf(bestLive, bestLiveCum, null);
        }
    }
}
