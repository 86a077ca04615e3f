namespace Engine.Sampling;

/// <summary>
/// Everything beam search needs besides the model: width W (= <c>best_of</c>), how many results to return,
/// the scoring and stopping rules, and the lengths that bound the search (§8.5).
/// </summary>
public sealed record BeamSearchConfig(int BeamWidth, int N, int PromptLength, int MaxTokens, int MaxModelLen)
{
    public float LengthPenalty { get; init; } = 1f;

    public EarlyStopping EarlyStopping { get; init; }

    /// <summary>Best alternatives recorded with each token (the request's <c>logprobs</c>; 0: only the token's own).</summary>
    public int NumLogprobs { get; init; }

    /// <summary>Finish rules (EOS, stop tokens, min_tokens, lengths); null = only the lengths above.</summary>
    public StopConditions? StopConditions { get; init; }

    /// <summary>The model's EOS ids: a final EOS is not counted in the scored length.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Optional stop-string check on a candidate's output tokens (the engine detokenises).</summary>
    public Func<IReadOnlyList<int>, bool>? StopsOnText { get; init; }

    /// <summary>The beam search part of a request's parameters.</summary>
    public static BeamSearchConfig From(SamplingParams p, int promptLength, int maxTokens, int maxModelLen, IReadOnlyList<int> eosTokenIds)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new BeamSearchConfig(p.BestOf, p.N, promptLength, maxTokens, maxModelLen)
        {
            LengthPenalty = p.LengthPenalty,
            EarlyStopping = p.EarlyStopping,
            StopConditions = new StopConditions(p, eosTokenIds, maxTokens, maxModelLen),
            EosTokenIds = eosTokenIds,
        };
    }
}
