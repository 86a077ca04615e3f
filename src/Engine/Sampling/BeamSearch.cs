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
        var state = new BeamSearchState(config);
        while (!state.IsDone)
        {
            var live = state.Live;
            var rows = step([.. live.Select(b => b.Tokens)]);
            if (rows.Length != live.Count)
            {
                throw new InvalidOperationException($"The step returned {rows.Length} rows for {live.Count} live beams.");
            }
            state.Advance([.. rows.Select(row => (IReadOnlyList<TokenLogprob>)[.. row.Select((logprob, id) => new TokenLogprob(id, logprob))])]);
        }
        return state.Results;
    }
}
