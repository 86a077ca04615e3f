using System.Text;
using System.Text.Json;

namespace Engine.Sampling;

public sealed partial record SamplingParams
{
    /// <summary>
    /// Reads every sampling/generation field of a completions or chat request body (samplers.md §13,
    /// api.md §6.1, §7.1, §12.2), folds aliases (<c>sampler_order</c>, <c>dry_penalty_last_n</c>,
    /// <c>dynatemp_range</c>, <c>no_repeat_ngram</c>, <c>stop_tokens</c>, <c>max_completion_tokens</c>,
    /// <c>num_beams</c>, <c>logits_processors</c>), then validates and normalises (<see cref="Validate"/>).
    /// Unknown fields are ignored; <c>null</c> means absent.
    /// </summary>
    /// <exception cref="SamplingParamsException">A field has the wrong JSON type or an invalid value.</exception>
    public static SamplingParams FromJson(JsonElement requestBody, SamplingLimits? limits = null)
    {
        if (requestBody.ValueKind != JsonValueKind.Object)
        {
            throw new SamplingParamsException("body", "The request body must be a JSON object.");
        }
        var r = new RequestJsonReader(requestBody);
        var d = new SamplingParams();
        var n = r.Int("n") ?? d.N;
        var temperature = r.Float("temperature") ?? d.Temperature;
        var (dynMin, dynMax) = DynatempBounds(r, temperature);
        var (useBeam, bestOf) = BeamFields(r);
        var p = d with
        {
            Temperature = temperature,
            DynatempMin = dynMin,
            DynatempMax = dynMax,
            DynatempExponent = r.Float("dynatemp_exponent") ?? d.DynatempExponent,
            TemperatureLast = r.Bool("temperature_last") ?? false,
            TopP = r.Float("top_p") ?? d.TopP,
            TopK = r.Int("top_k") ?? d.TopK,
            TopA = r.Float("top_a") ?? d.TopA,
            MinP = r.Float("min_p") ?? d.MinP,
            Tfs = r.Float("tfs") ?? d.Tfs,
            EtaCutoff = r.Float("eta_cutoff") ?? d.EtaCutoff,
            EpsilonCutoff = r.Float("epsilon_cutoff") ?? d.EpsilonCutoff,
            TypicalP = r.Float("typical_p") ?? d.TypicalP,
            SmoothingFactor = r.Float("smoothing_factor") ?? d.SmoothingFactor,
            SmoothingCurve = r.Float("smoothing_curve") ?? d.SmoothingCurve,
            Nsigma = r.Float("nsigma") ?? d.Nsigma,
            XtcThreshold = r.Float("xtc_threshold") ?? d.XtcThreshold,
            XtcProbability = r.Float("xtc_probability") ?? d.XtcProbability,
            Skew = r.Float("skew") ?? d.Skew,
            MirostatMode = r.Int("mirostat_mode") ?? d.MirostatMode,
            MirostatTau = r.Float("mirostat_tau") ?? d.MirostatTau,
            MirostatEta = r.Float("mirostat_eta") ?? d.MirostatEta,
            RepetitionPenalty = r.Float("repetition_penalty") ?? d.RepetitionPenalty,
            PresencePenalty = r.Float("presence_penalty") ?? d.PresencePenalty,
            FrequencyPenalty = r.Float("frequency_penalty") ?? d.FrequencyPenalty,
            NoRepeatNgramSize = r.Int("no_repeat_ngram_size") ?? FriendliNoRepeatNgram(r),
            DryMultiplier = r.Float("dry_multiplier") ?? d.DryMultiplier,
            DryBase = r.Float("dry_base") ?? d.DryBase,
            DryAllowedLength = r.Int("dry_allowed_length") ?? d.DryAllowedLength,
            DrySequenceBreakers = DryBreakers(r),
            DrySequenceBreakerIds = r.IntList("dry_sequence_breaker_ids") ?? [],
            DryRange = r.Int("dry_range") ?? r.Int("dry_penalty_last_n") ?? d.DryRange,
            DryMaxNgram = r.Int("dry_max_ngram") ?? d.DryMaxNgram,
            DryMaxOccurrences = r.Int("dry_max_occurrences") ?? d.DryMaxOccurrences,
            DryEarlyExitMatchLen = r.Int("dry_early_exit_match_len") ?? d.DryEarlyExitMatchLen,
            SamplerPriority = Priority(r),
            LogitBias = LogitBiasField(r),
            CustomTokenBans = r.IntList("custom_token_bans") ?? [],
            BadWords = r.StringList("bad_words") ?? [],
            BadWordTokens = r.TokenObjects("bad_word_tokens") ?? [],
            AllowedTokenIds = r.IntList("allowed_token_ids"),
            GuidedJson = RawUnlessEmpty(r, "guided_json"),
            GuidedRegex = EmptyToNull(r.String("guided_regex")),
            GuidedChoice = r.StringList("guided_choice") ?? [],
            GuidedGrammar = EmptyToNull(r.String("guided_grammar")),
            GuidedDecodingBackend = r.String("guided_decoding_backend"),
            GuidedWhitespacePattern = r.String("guided_whitespace_pattern"),
            ResponseFormat = ResponseFormatField(r),
            Seed = r.TryGet("seed", out var seed) && seed.ValueKind != JsonValueKind.Array ? RequestJsonReader.AsLong("seed", seed) : null,
            Seeds = SeedList(r),
            N = n,
            BestOf = bestOf ?? n,
            UseBeamSearch = useBeam,
            LengthPenalty = r.Float("length_penalty") ?? d.LengthPenalty,
            EarlyStopping = EarlyStoppingField(r),
            Stop = r.StringOrList("stop") ?? [],
            StopTokenIds = [.. r.IntList("stop_token_ids") ?? [], .. (r.TokenObjects("stop_tokens") ?? []).SelectMany(static t => t)],
            EosTokenIds = r.IntList("eos_token") ?? [],
            IncludeStopStrInOutput = r.Bool("include_stop_str_in_output") ?? false,
            IgnoreEos = r.Bool("ignore_eos") ?? false,
            MinTokens = r.Int("min_tokens") ?? d.MinTokens,
            MaxTokens = r.Int("max_completion_tokens") ?? r.Int("max_tokens"),
            MaxTokensExplicitNull = !r.Has("max_completion_tokens") && requestBody.TryGetProperty("max_tokens", out var mt)
                && mt.ValueKind == JsonValueKind.Null,
            MaxTotalTokens = r.Int("max_total_tokens"),
            MinTotalTokens = r.Int("min_total_tokens"),
            Logprobs = LogprobsField(r),
            PromptLogprobs = r.Int("prompt_logprobs"),
            Detokenize = r.Bool("detokenize") ?? true,
            SkipSpecialTokens = r.Bool("skip_special_tokens") ?? true,
            SpacesBetweenSpecialTokens = r.Bool("spaces_between_special_tokens") ?? true,
            TruncatePromptTokens = r.Int("truncate_prompt_tokens"),
        };
        CheckRequestOnlyRules(r, p);
        return p.Validate(limits);
    }

    /// <summary>Rules that need request fields the record does not keep (echo, stream, the raw field pairs).</summary>
    private static void CheckRequestOnlyRules(RequestJsonReader r, SamplingParams p)
    {
        var echo = r.Bool("echo") ?? false;
        if (p.MaxTokens is { } max && max < 1 && !(max == 0 && echo))
        {
            throw new SamplingParamsException(r.Has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens",
                $"max_tokens must be at least 1, got {max}.");
        }
        if (r.Has("max_tokens") && r.Has("max_total_tokens"))
        {
            throw new SamplingParamsException("max_total_tokens", "max_tokens and max_total_tokens cannot both be given.");
        }
        if (r.Has("min_tokens") && r.Has("min_total_tokens"))
        {
            throw new SamplingParamsException("min_total_tokens", "min_tokens and min_total_tokens cannot both be given.");
        }
        // vLLM refuses only values above 0: prompt_logprobs = 0 with stream is what the seed examples send
        if (p.PromptLogprobs is > 0 && (r.Bool("stream") ?? false))
        {
            throw new SamplingParamsException("prompt_logprobs", $"prompt_logprobs > 0 is not available when stream is true, got {p.PromptLogprobs}.");
        }
        if ((r.Int("encoder_no_repeat_ngram") ?? 1) > 1)
        {
            throw new SamplingParamsException("encoder_no_repeat_ngram", "encoder_no_repeat_ngram is not supported for decoder-only models.");
        }
        if ((r.Float("encoder_repetition_penalty") ?? 1f) != 1f)
        {
            throw new SamplingParamsException("encoder_repetition_penalty", "encoder_repetition_penalty is not supported for decoder-only models.");
        }
        if ((r.Int("top_logprobs") ?? 0) > 0 && r.TryGet("logprobs", out var lp) && lp.ValueKind != JsonValueKind.True
            && !(lp.ValueKind == JsonValueKind.Number && p.Logprobs == r.Int("top_logprobs")))
        {
            throw new SamplingParamsException("top_logprobs", "top_logprobs requires logprobs to be true (or the same integer).");
        }
        if (r.TryGet("top_logprobs", out _) && (r.Int("top_logprobs") ?? 0) < 0)
        {
            throw new SamplingParamsException("top_logprobs", $"top_logprobs must be at least 0, got {r.Int("top_logprobs")}.");
        }
    }
}
