namespace Engine.Sampling;

/// <summary>
/// Beam search (§8.5) as pure logic over a step callback, following vLLM v0 / aph-0.6: each step expands
/// every live beam by its next-token log-probabilities, keeps the best 2W (parent, token) pairs by
/// cumulative log-probability, sends finished candidates to a pool of the W best by score, refills up to W
/// live beams, and stops by the <c>early_stopping</c> rule. Returns the N best finished sequences by score.
/// </summary>
public static class BeamSearch
{
    /// <summary>
    /// Given the output tokens of each live beam (the prompt is fixed and known to the caller), returns one
    /// row per beam of next-token log-probabilities over the vocabulary (the processed distribution at
    /// temperature 1; −∞ or −9999-style very negative entries for removed tokens).
    /// </summary>
    public delegate float[][] Step(IReadOnlyList<IReadOnlyList<int>> liveBeams);

    /// <summary>
    /// Hugging Face / vLLM beam score: <c>cumulative_logprob / length^length_penalty</c>, where length is
    /// prompt + output tokens, not counting a final EOS.
    /// </summary>
    public static double Score(double cumulativeLogprob, int length, float lengthPenalty) =>
        cumulativeLogprob / Math.Pow(length, lengthPenalty);

    public static IReadOnlyList<GeneratedSequence> Run(BeamSearchConfig config, Step step)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(step);
        var w = config.BeamWidth;
        var live = new List<(List<int> Tokens, double Cum)> { ([], 0.0) };
        var finished = new List<GeneratedSequence>();
        while (live.Count > 0)
        {
            var rows = step([.. live.Select(b => (IReadOnlyList<int>)b.Tokens)]);
            if (rows.Length != live.Count)
            {
                throw new InvalidOperationException($"The step returned {rows.Length} rows for {live.Count} live beams.");
            }
            // Best 2W (parent, token) pairs by cumulative logprob; ties by parent index, then token id.
            var candidates = new List<(double Cum, int Parent, int Token)>();
            for (var b = 0; b < live.Count; b++)
            {
                var row = rows[b];
                for (var t = 0; t < row.Length; t++)
                {
                    if (row[t] > float.NegativeInfinity)
                    {
                        candidates.Add((live[b].Cum + row[t], b, t));
                    }
                }
            }
            candidates.Sort(static (x, y) => y.Cum != x.Cum ? y.Cum.CompareTo(x.Cum) : x.Parent != y.Parent ? x.Parent.CompareTo(y.Parent) : x.Token.CompareTo(y.Token));
            var newLive = new List<(List<int> Tokens, double Cum)>();
            foreach (var (cum, parent, token) in candidates.Take(2 * w))
            {
                List<int> tokens = [.. live[parent].Tokens, token];
                var decision = Finish(config, tokens);
                if (decision.Kind != StopKind.None)
                {
                    finished.Add(new GeneratedSequence(tokens, cum, ScoreOf(config, tokens, cum, null), decision));
                }
                else
                {
                    newLive.Add((tokens, cum));
                }
            }
            // Live children all have the same length, so score order is cumulative order (stable sort keeps ties).
            finished = [.. finished.OrderByDescending(s => s.Score)];
            var stop = newLive.Count == 0
                || (finished.Count >= w && ShouldStop(config, newLive[0].Tokens, newLive[0].Cum, finished[w - 1].Score));
            if (finished.Count > w)
            {
                finished.RemoveRange(w, finished.Count - w);
            }
            live = stop ? [] : [.. newLive.Take(w)];
        }
        return [.. finished.Take(config.N)];
    }

    private static StopDecision Finish(BeamSearchConfig config, List<int> tokens)
    {
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

    private static double ScoreOf(BeamSearchConfig config, List<int> tokens, double cum, int? length)
    {
        var len = length ?? config.PromptLength + tokens.Count - (tokens.Count > 0 && config.EosTokenIds.Contains(tokens[^1]) ? 1 : 0);
        return Score(cum, len, config.LengthPenalty);
    }

    /// <summary>vLLM's <c>_check_beam_search_early_stopping</c>: compare the W-th finished score with the best live beam's attainable score.</summary>
    private static bool ShouldStop(BeamSearchConfig config, List<int> bestLive, double bestLiveCum, double worstFinishedScore)
    {
        switch (config.EarlyStopping)
        {
            case EarlyStopping.True:
                return true;
            case EarlyStopping.Never when config.LengthPenalty > 0f:
                var longest = Math.Max(config.PromptLength + config.MaxTokens, config.MaxModelLen);
                return worstFinishedScore >= ScoreOf(config, bestLive, bestLiveCum, longest);
            default:
                return worstFinishedScore >= ScoreOf(config, bestLive, bestLiveCum, null);
        }
    }
}
