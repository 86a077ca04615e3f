using System.Globalization;

namespace Engine.Sampling;

public sealed partial record SamplingParams
{
    /// <summary>
    /// Checks every range of samplers.md §13 and the cross-field rules (§3.6, §4.5, §8), and returns the
    /// normalised copy: <c>0 &lt; temperature &lt; 0.01</c> raised to 0.01, <c>top_k = −1</c> → 0 (and
    /// <c>top_k ≥ V</c> → 0 when the vocabulary is known), <c>seed = −1</c> → null, Mirostat defaults.
    /// Token ids are checked against <see cref="SamplingLimits.VocabSize"/> when it is set.
    /// </summary>
    /// <exception cref="SamplingParamsException">The first violated rule, naming its field.</exception>
    public SamplingParams Validate(SamplingLimits? limits = null)
    {
        limits ??= SamplingLimits.Default;
        AtLeast("temperature", Temperature, 0);
        AtLeast("dynatemp_min", DynatempMin, 0);
        AtLeast("dynatemp_max", DynatempMax, 0);
        AtLeast("dynatemp_exponent", DynatempExponent, 0);
        Check("top_p", TopP > 0 && TopP <= 1, "(0, 1]", TopP);
        Check("top_k", TopK >= -1, "-1 (off), 0 (off) or at least 1", TopK);
        AtLeast("top_a", TopA, 0);
        InRange("min_p", MinP, 0, 1);
        Check("tfs", Tfs > 0 && Tfs <= 1, "(0, 1]", Tfs);
        AtLeast("eta_cutoff", EtaCutoff, 0);
        InRange("epsilon_cutoff", EpsilonCutoff, 0, 1000);
        InRange("typical_p", TypicalP, 0, 1);
        AtLeast("smoothing_factor", SmoothingFactor, 0);
        AtLeast("nsigma", Nsigma, 0);
        AtLeast("xtc_threshold", XtcThreshold, 0);
        InRange("xtc_probability", XtcProbability, 0, 1);
        Check("mirostat_mode", MirostatMode is 0 or 2, "0 or 2", MirostatMode);
        AtLeast("mirostat_tau", MirostatTau, 0);
        AtLeast("mirostat_eta", MirostatEta, 0);
        Check("repetition_penalty", RepetitionPenalty > 0, "greater than 0", RepetitionPenalty);
        InRange("presence_penalty", PresencePenalty, -2, 2);
        InRange("frequency_penalty", FrequencyPenalty, -2, 2);
        AtLeast("no_repeat_ngram_size", NoRepeatNgramSize, 0);
        AtLeast("dry_multiplier", DryMultiplier, 0);
        Check("dry_base", DryBase > 1, "greater than 1", DryBase);
        AtLeast("dry_allowed_length", DryAllowedLength, 0);
        AtLeast("dry_range", DryRange, 0);
        AtLeast("dry_max_ngram", DryMaxNgram, 0);
        AtLeast("dry_max_occurrences", DryMaxOccurrences, 0);
        AtLeast("dry_early_exit_match_len", DryEarlyExitMatchLen, 0);
        if (SamplerPriority.Count > 0 && SamplerOrder.MissingMessage(SamplerPriority) is { } missing)
        {
            throw new SamplingParamsException("sampler_priority", missing);
        }
        CheckMultiplicity(limits);
        CheckTermination();
        CheckTokenLists(limits.VocabSize);
        CheckGuided();
        if (Logprobs is { } lp)
        {
            Check("logprobs", lp >= 0 && lp <= limits.MaxLogprobs, $"[0, {limits.MaxLogprobs}]", lp);
        }
        if (PromptLogprobs is { } plp)
        {
            Check("prompt_logprobs", plp >= 0 && plp <= limits.MaxLogprobs, $"[0, {limits.MaxLogprobs}]", plp);
        }
        if (TruncatePromptTokens is { } tpt)
        {
            Check("truncate_prompt_tokens", tpt >= 1 || tpt == -1, "at least 1, or -1 for the model's maximum length", tpt);
        }
        return this with
        {
            Temperature = Temperature is > 0 and < 0.01f ? 0.01f : Temperature,
            TopK = TopK == -1 || (limits.VocabSize is { } v && TopK >= v) ? 0 : TopK,
            Seed = Seed == -1 ? null : Seed,
        };
    }

    private void CheckMultiplicity(SamplingLimits limits)
    {
        Check("n", N >= 1 && N <= limits.MaxN, $"[1, {limits.MaxN}]", N);
        if (BestOf < N)
        {
            throw new SamplingParamsException("best_of", $"best_of must be greater than or equal to n={N}, got {BestOf}.");
        }
        // best_of sequences are allocated and run up front: its real bound is the same as n's
        Check("best_of", BestOf <= limits.MaxN, $"at most {limits.MaxN}", BestOf);
        if (Seeds.Count > 0 && Seeds.Count != N)
        {
            throw new SamplingParamsException("seed", $"A list of seeds must have one seed per choice (n={N}), got {Seeds.Count}.");
        }
        if (Seeds.Count > 0 && BestOf > N && !UseBeamSearch)
        {
            // one seed per returned choice (api.md §12.2) leaves the best_of − n extra candidates without one
            throw new SamplingParamsException("seed", $"A list of seeds requires best_of = n (one seed per sequence), got best_of={BestOf}, n={N}.");
        }
        if (UseBeamSearch)
        {
            Require("temperature", IsGreedy, "Beam search requires temperature 0.");
            Require("top_p", TopP >= 1f - 1e-5f, "Beam search requires top_p 1.");
            Require("top_k", TopK is 0 or -1, "Beam search requires top_k to be off.");
            Require("best_of", BestOf >= 2, $"Beam search requires a beam width (best_of) of at least 2, got {BestOf}.");
            return;
        }
        Require("length_penalty", LengthPenalty == 1f, "length_penalty must be 1.0 unless use_beam_search is true.");
        Require("early_stopping", EarlyStopping == EarlyStopping.False, "early_stopping must be false unless use_beam_search is true.");
        if (IsGreedy && (N > 1 || BestOf > 1))
        {
            throw new SamplingParamsException(N > 1 ? "n" : "best_of",
                $"n and best_of must be 1 when using greedy sampling (temperature 0), got n={N}, best_of={BestOf}.");
        }
    }

    private void CheckTermination()
    {
        AtLeast("min_tokens", MinTokens, 0);
        if (MaxTokens is { } max && MinTokens > max)
        {
            throw new SamplingParamsException("min_tokens", $"min_tokens must be less than or equal to max_tokens={max}, got {MinTokens}.");
        }
        if (MaxTokens is < 0)
        {
            throw new SamplingParamsException("max_tokens", $"max_tokens must be at least 1, got {MaxTokens}.");
        }
        if (Stop.Any(static s => s.Length == 0))
        {
            throw new SamplingParamsException("stop", "stop strings must be non-empty.");
        }
        if (!Detokenize && Stop.Count > 0)
        {
            throw new SamplingParamsException("stop", "stop strings require detokenize to be true.");
        }
        if (BadWords.Any(static s => s.Length == 0))
        {
            throw new SamplingParamsException("bad_words", "bad_words entries must be non-empty.");
        }
    }

    private void CheckTokenLists(int? vocabSize)
    {
        if (AllowedTokenIds is { Count: 0 })
        {
            throw new SamplingParamsException("allowed_token_ids", "allowed_token_ids must not be empty.");
        }
        if (BadWordTokens.Any(static t => t.Count == 0))
        {
            throw new SamplingParamsException("bad_word_tokens", "bad_word_tokens entries must hold at least one token id.");
        }
        if (vocabSize is not { } v)
        {
            return;
        }
        InVocab("stop_token_ids", StopTokenIds, v);
        InVocab("eos_token", EosTokenIds, v);
        InVocab("custom_token_bans", CustomTokenBans, v);
        InVocab("allowed_token_ids", AllowedTokenIds ?? [], v);
        InVocab("logit_bias", [.. LogitBias.Keys], v);
        InVocab("dry_sequence_breaker_ids", DrySequenceBreakerIds, v);
        foreach (var word in BadWordTokens)
        {
            InVocab("bad_word_tokens", word, v);
        }
    }

    private void CheckGuided()
    {
        string?[] given =
        [
            GuidedJson is null ? null : "guided_json", GuidedRegex is null ? null : "guided_regex",
            GuidedChoice.Count == 0 ? null : "guided_choice", GuidedGrammar is null ? null : "guided_grammar",
            ResponseFormat is null ? null : "response_format",
        ];
        var conflicting = given.OfType<string>().ToArray();
        if (conflicting.Length > 1)
        {
            // the 400 names the fields that conflict (the ArliAI example sends every guided_* at once)
            throw new SamplingParamsException(conflicting[^1],
                $"{string.Join(", ", conflicting)} conflict: at most one of guided_json, guided_regex, guided_choice, guided_grammar and response_format may be set.");
        }
        // compiles (once, cached) so a bad schema, regex or grammar is a 400 naming its field
        _ = Guided.GuidedConstraint.Compile(this);
    }

    private static void InVocab(string field, IReadOnlyList<int> ids, int vocabSize)
    {
        foreach (var id in ids)
        {
            if (id < 0 || id >= vocabSize)
            {
                throw new SamplingParamsException(field, $"{field} must hold token ids in [0, {vocabSize}), got {id}.");
            }
        }
    }

    private static void AtLeast(string field, float value, float min) => Check(field, value >= min, $"at least {F(min)}", value);

    private static void InRange(string field, float value, float min, float max) =>
        Check(field, value >= min && value <= max, $"in [{F(min)}, {F(max)}]", value);

    private static void Check(string field, bool ok, string rule, float value)
    {
        if (!ok)
        {
            var phrase = rule.StartsWith('(') || rule.StartsWith('[') ? $"in {rule}" : rule;
            throw new SamplingParamsException(field, $"{field} must be {phrase.Replace("in in ", "in ", StringComparison.Ordinal)}, got {F(value)}.");
        }
    }

    private static void Require(string field, bool ok, string message)
    {
        if (!ok)
        {
            throw new SamplingParamsException(field, message);
        }
    }

    private static string F(float v) => v.ToString(CultureInfo.InvariantCulture);
}
