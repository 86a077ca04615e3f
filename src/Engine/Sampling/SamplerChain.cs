using Engine.Guided;

namespace Engine.Sampling;

/// <summary>
/// One request's processing pipeline S0–S6 (§3.1) with everything that does not change per step
/// precomputed: the S4 order (its own <c>sampler_priority</c>, never a batch-wide one), bias arrays, the
/// stop set, bad-word and breaker token ids. Immutable, so all sequences of a request may share it; the
/// per-step state (history, RNG counters, Mirostat μ) comes in as arguments.
/// </summary>
public sealed class SamplerChain
{
    private readonly SamplerId[] _order;
    private readonly int[] _allowed;
    private readonly int[] _biasIds;
    private readonly float[] _biasValues;
    private readonly int[][] _badWords;
    private readonly int[] _stopSet;
    private readonly int[] _bans;
    private readonly int[] _breakers;
    private readonly int _tokenizerVocabSize;

    public SamplerChain(SamplingParams parameters, SamplerSetup setup)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(setup);
        Params = parameters.Validate(new SamplingLimits { VocabSize = setup.VocabSize, MaxLogprobs = int.MaxValue, MaxN = int.MaxValue });
        VocabSize = setup.VocabSize;
        _tokenizerVocabSize = Math.Min(setup.TokenizerVocabSize ?? setup.VocabSize, setup.VocabSize);
        _order = [.. Params.Order];
        _allowed = [.. Params.AllowedTokenIds ?? []];
        _biasIds = [.. Params.LogitBias.Keys];
        _biasValues = [.. _biasIds.Select(id => Params.LogitBias[id])];
        _badWords = [.. BadWordTokenIds(Params, setup)];
        _stopSet = [.. Params.StopTokenIds.Concat(setup.EosTokenIds).Concat(Params.EosTokenIds).Where(id => (uint)id < (uint)VocabSize).Distinct()];
        _bans = [.. Params.CustomTokenBans];
        _breakers = [.. BreakerIdsOf(Params, setup).Distinct().Order()];
        if (GuidedConstraint.Compile(Params) is { } guided)
        {
            var tokenizer = setup.Tokenizer
                ?? throw new SamplingParamsException(guided.Field, $"{guided.Field} needs the model's tokenizer, and this engine has none.");
            Guided = guided;
            GuidedVocabulary = GuidedVocabulary.For(tokenizer);
            GuidedEosIds = [.. setup.EosTokenIds.Concat(Params.EosTokenIds).Distinct()];
        }
    }

    /// <summary>The request's guided-decoding constraint (§4.1), or null.</summary>
    public GuidedConstraint? Guided { get; }

    internal GuidedVocabulary? GuidedVocabulary { get; }

    internal int[] GuidedEosIds { get; } = [];

    /// <summary>A fresh per-sequence guided state, or null when the request has no constraint.</summary>
    public GuidedSequence? NewGuidedSequence() =>
        Guided is null ? null : new GuidedSequence(Guided, GuidedVocabulary!, GuidedEosIds);

    /// <summary>Ids at or above it are padded rows S0 removes (§3.7 rule 3): min(tokenizer vocabulary, V).</summary>
    public int TokenizerVocabSize => _tokenizerVocabSize;

    /// <summary>The min_tokens stop set (§4.5): stop_token_ids ∪ model EOS ∪ request EOS, ids in [0, V).</summary>
    public IReadOnlyList<int> StopSet => _stopSet;

    /// <summary>bad_word_tokens and the tokenised bad_words (§4.4).</summary>
    public IReadOnlyList<IReadOnlyList<int>> BadWordIds => _badWords;

    /// <summary>DRY's sequence-breaker ids (§5.5), sorted and distinct.</summary>
    public IReadOnlyList<int> BreakerIds => _breakers;

    /// <summary>The validated parameters this chain runs.</summary>
    public SamplingParams Params { get; }

    public int VocabSize { get; }

    /// <summary>
    /// Runs S0–S6 on <paramref name="logits"/> (rewritten in place; removed tokens −∞) and leaves the final
    /// distribution in the workspace. Returns false when no token is alive entering S5 (§3.7 rule 2).
    /// Under Mirostat, S4 runs only DRY, PENALTIES, NO_REPEAT_NGRAM and TEMPERATURE, and the returned
    /// distribution is Mirostat's truncated q for <paramref name="mirostatMu"/>.
    /// </summary>
    internal bool Run(Span<float> logits, ReadOnlySpan<int> prompt, ReadOnlySpan<int> output, long seed, int choice,
        float mirostatMu, SamplerWorkspace ws, GuidedSequence? guided = null)
    {
        var p = Params;
        ws.ProbsValid = false;
        LogitConstraints.Sanitise(logits, _tokenizerVocabSize);
        guided?.ApplyMask(logits);
        if (_allowed.Length > 0)
        {
            LogitConstraints.KeepOnly(logits, _allowed, ws.Scratch);
        }
        LogitConstraints.AddBias(logits, _biasIds, _biasValues);
        if (_biasIds.Length > 0)
        {
            LogitConstraints.Saturate(logits);
        }
        LogitConstraints.BanWords(logits, _badWords, output);
        if (output.Length < p.MinTokens)
        {
            LogitConstraints.Remove(logits, _stopSet);
        }
        LogitConstraints.Remove(logits, _bans);

        var mirostat = p.IsMirostat;
        foreach (var id in _order)
        {
            if (!mirostat || id is SamplerId.Dry or SamplerId.Penalties or SamplerId.NoRepeatNgram or SamplerId.Temperature)
            {
                RunOne(id, logits, prompt, output, seed, choice, ws);
            }
        }
        if (Probabilities.AliveCount(logits) == 0)
        {
            ws.Probs.AsSpan().Clear();
            ws.ProbsValid = true;
            return false;
        }
        if (mirostat)
        {
            Mirostat.Truncate(logits, mirostatMu, ws);
            return Probabilities.MakeFinite(ws.Probs);
        }
        var probs = ws.ProbabilitiesOf(logits);
        if (Skew.IsActive(p.Skew))
        {
            Skew.Apply(logits, probs, p.Skew, ws);
            if (!Probabilities.MakeFinite(probs))
            {
                logits.Fill(float.NegativeInfinity);
                return false;
            }
            for (var i = 0; i < logits.Length; i++)
            {
                logits[i] = probs[i] > 0f ? MathF.Log(probs[i]) : float.NegativeInfinity;
            }
        }
        return true;
    }

    private void RunOne(SamplerId id, Span<float> logits, ReadOnlySpan<int> prompt, ReadOnlySpan<int> output, long seed, int choice,
        SamplerWorkspace ws)
    {
        var p = Params;
        var greedy = p.IsGreedy;
        switch (id)
        {
            case SamplerId.Dry when Dry.IsActive(p):
                Dry.Apply(logits, prompt, output, p, _breakers, ws.Counts);
                LogitConstraints.Saturate(logits);
                ws.ProbsValid = false;
                break;
            case SamplerId.Penalties when RepetitionPenalties.IsActive(p):
                RepetitionPenalties.Apply(logits, prompt, output, p, ws);
                LogitConstraints.Saturate(logits);
                ws.ProbsValid = false;
                break;
            case SamplerId.NoRepeatNgram when p.NoRepeatNgramSize > 0:
                NoRepeatNgram.Apply(logits, new TokenHistory(prompt, output), p.NoRepeatNgramSize);
                ws.ProbsValid = false;
                break;
            case SamplerId.Temperature when Temperature.IsActive(p):
                Temperature.Apply(logits, p, ws);
                LogitConstraints.Saturate(logits);
                break;
            case SamplerId.TopNSigma when TopNSigma.IsActive(p):
                TopNSigma.Apply(logits, p.Nsigma, ws);
                break;
            case SamplerId.TopPTopK when !greedy:
                if (TopKTopP.IsTopKActive(p.TopK))
                {
                    TopKTopP.ApplyTopK(logits, p.TopK, ws);
                }
                if (TopKTopP.IsTopPActive(p.TopP))
                {
                    TopKTopP.ApplyTopP(logits, p.TopP, ws);
                }
                break;
            case SamplerId.TopA when !greedy && p.TopA > 0f:
                ProbabilityFloor.Apply<TopA>(logits, p.TopA, ws);
                break;
            case SamplerId.MinP when !greedy && p.MinP > 1e-5f:
                ProbabilityFloor.Apply<MinP>(logits, p.MinP, ws);
                break;
            case SamplerId.Tfs when TailFree.IsActive(p.Tfs):
                TailFree.Apply(logits, p.Tfs, ws);
                break;
            case SamplerId.EtaCutoff when p.EtaCutoff > 0f:
                ProbabilityFloor.Apply<EtaCutoff>(logits, p.EtaCutoff, ws);
                break;
            case SamplerId.EpsilonCutoff when p.EpsilonCutoff > 0f:
                ProbabilityFloor.Apply<EpsilonCutoff>(logits, p.EpsilonCutoff, ws);
                break;
            case SamplerId.TypicalP when TypicalP.IsActive(p.TypicalP):
                TypicalP.Apply(logits, p.TypicalP, ws);
                break;
            case SamplerId.Quadratic when QuadraticSmoothing.IsActive(p.SmoothingFactor):
                QuadraticSmoothing.Apply(logits, p.SmoothingFactor, p.SmoothingCurve, ws);
                LogitConstraints.Saturate(logits);
                break;
            case SamplerId.Xtc when Xtc.IsActive(p):
                Xtc.Apply(logits, p.XtcThreshold, p.XtcProbability,
                    SamplingRandom.Uniform(seed, choice, output.Length, SamplingRandom.XtcPurpose), ws);
                break;
            default:
                break; // inactive: an exact no-op
        }
    }

    private static IEnumerable<int[]> BadWordTokenIds(SamplingParams p, SamplerSetup setup)
    {
        foreach (var word in p.BadWordTokens)
        {
            yield return [.. word];
        }
        if (p.BadWords.Count == 0)
        {
            yield break;
        }
        var encode = setup.Encode
            ?? throw new InvalidOperationException("bad_words needs a tokenizer: SamplerSetup.Encode is null.");
        foreach (var word in p.BadWords)
        {
            // vllm/aph-0.6 rule: the phrase without leading whitespace, plus its space-prefixed variant when that
            // starts with a different token and has the same length.
            var plain = encode(word.TrimStart()).ToArray();
            if (plain.Length > 0)
            {
                yield return plain;
            }
            var spaced = encode(" " + word.TrimStart()).ToArray();
            if (spaced.Length > 0 && plain.Length == spaced.Length && spaced[0] != plain[0])
            {
                yield return spaced;
            }
        }
    }

    private static IEnumerable<int> BreakerIdsOf(SamplingParams p, SamplerSetup setup)
    {
        foreach (var id in p.DrySequenceBreakerIds)
        {
            yield return id;
        }
        if (setup.Encode is not { } encode)
        {
            yield break; // no tokenizer: string breakers cannot be mapped (documented on SamplerSetup)
        }
        foreach (var s in p.DrySequenceBreakers)
        {
            // aph rule: tokenise "a" + s and keep the last id, avoiding leading-space artefacts.
            var ids = encode("a" + s);
            if (ids.Count > 0)
            {
                yield return ids[^1];
            }
        }
    }
}
