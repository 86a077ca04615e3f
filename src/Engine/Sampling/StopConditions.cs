namespace Engine.Sampling;

/// <summary>
/// Per-request token-level termination rules of §9 (aph-0.6 stop checker order), applied after each
/// appended token: (1) fewer than <c>min_tokens</c> generated → no check; (2) EOS and not
/// <c>ignore_eos</c>; (3) <c>stop_token_ids</c>; (4) stop strings, checked by <see cref="Output.StopStrings"/>
/// with <see cref="CheckStopStrings"/>; (5) prompt + output reached <c>max_model_len</c>; (6) output reached <c>max_tokens</c>.
/// </summary>
public sealed class StopConditions
{
    private readonly HashSet<int> _eos;
    private readonly HashSet<int> _stopTokens;
    private readonly bool _ignoreEos;
    private readonly bool _include;
    private readonly int _minTokens;
    private readonly int _maxTokens;
    private readonly int _maxModelLen;

    /// <param name="modelEosIds">The model's EOS plus its generation config's extra EOS ids.</param>
    public StopConditions(SamplingParams parameters, IReadOnlyList<int> modelEosIds, int maxTokens, int maxModelLen)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(modelEosIds);
        _eos = [.. modelEosIds, .. parameters.EosTokenIds];
        _stopTokens = [.. parameters.StopTokenIds];
        _ignoreEos = parameters.IgnoreEos;
        _include = parameters.IncludeStopStrInOutput;
        _minTokens = parameters.MinTokens;
        _maxTokens = maxTokens;
        _maxModelLen = maxModelLen;
    }

    /// <summary>Stop strings are checked only once <c>min_tokens</c> tokens exist (§4.5).</summary>
    public bool CheckStopStrings(int generatedCount) => generatedCount >= _minTokens;

    /// <summary>Decides after the token <paramref name="tokenId"/> was appended as the <paramref name="generatedCount"/>-th output token.</summary>
    public StopDecision Check(int tokenId, int generatedCount, int promptLength)
    {
        if (generatedCount < _minTokens)
        {
            return StopDecision.Continue;
        }
        if (!_ignoreEos && _eos.Contains(tokenId))
        {
            return new StopDecision(StopKind.Eos, null, _include);
        }
        if (_stopTokens.Contains(tokenId))
        {
            return new StopDecision(StopKind.StopToken, tokenId, _include);
        }
        if (promptLength + generatedCount >= _maxModelLen || generatedCount >= _maxTokens)
        {
            return new StopDecision(StopKind.Length, null, true);
        }
        return StopDecision.Continue;
    }
}
