namespace Server.Keys;

/// <summary>
/// Parameters a key's overrides may set (api.md §11.1): the sampling and generation fields of
/// samplers.md §13 plus <c>multi_models</c> and <c>multiplier</c>. Request shape fields (model, prompt,
/// messages, stream, n, echo, logprobs, tools, response_format, guided decoding) are not overridable.
/// </summary>
public static class OverrideAllowList
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "temperature", "dynatemp_min", "dynatemp_max", "dynatemp_range", "dynatemp_exponent", "temperature_last",
        "top_p", "top_k", "top_a", "min_p", "tfs", "eta_cutoff", "epsilon_cutoff", "typical_p",
        "smoothing_factor", "smoothing_curve", "nsigma", "xtc_threshold", "xtc_probability", "skew",
        "mirostat_mode", "mirostat_tau", "mirostat_eta", "repetition_penalty", "presence_penalty",
        "frequency_penalty", "no_repeat_ngram_size", "no_repeat_ngram", "dry_multiplier", "dry_base",
        "dry_allowed_length", "dry_sequence_breakers", "dry_sequence_breaker_ids", "dry_range", "dry_max_ngram",
        "dry_max_occurrences", "dry_early_exit_match_len", "sampler_priority", "seed", "use_beam_search",
        "length_penalty", "early_stopping", "stop", "stop_token_ids", "stop_tokens", "include_stop_str_in_output",
        "ignore_eos", "min_tokens", "max_tokens", "max_completion_tokens", "max_total_tokens", "min_total_tokens",
        "detokenize", "custom_token_bans", "bad_words", "bad_word_tokens", "logit_bias", "logits_processors",
        "allowed_token_ids", "skip_special_tokens", "spaces_between_special_tokens", "truncate_prompt_tokens",
        "multi_models", "multiplier",
    };

    public static bool Contains(string name) => Names.Contains(name);
}
