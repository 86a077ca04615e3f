using System.Text.Json;
using Engine.Sampling;

namespace Engine.Tests.Sampling;

public sealed class SamplingParamsTests
{
    private static SamplingParams Parse(string json, SamplingLimits? limits = null) =>
        SamplingParams.FromJson(JsonDocument.Parse(json).RootElement, limits);

    private static readonly SamplingLimits Vocab10 = new() { VocabSize = 10 };

    [Fact]
    public void Defaults_AreTheOffValuesOfTheSpecTable()
    {
        var p = Parse("{}");
        Assert.Equal(1f, p.Temperature);
        Assert.Equal(1f, p.TopP);
        Assert.Equal(0, p.TopK);
        Assert.Equal(0f, p.MinP);
        Assert.Equal(1f, p.Tfs);
        Assert.Equal(1f, p.TypicalP);
        Assert.Equal(0.1f, p.XtcThreshold);
        Assert.Equal(0f, p.XtcProbability);
        Assert.Equal(1.75f, p.DryBase);
        Assert.Equal(2, p.DryAllowedLength);
        Assert.Equal(["\n", ":", "\"", "*"], p.DrySequenceBreakers);
        Assert.Equal((12, 8, 8), (p.DryMaxNgram, p.DryMaxOccurrences, p.DryEarlyExitMatchLen));
        Assert.Equal(1, p.N);
        Assert.Equal(1, p.BestOf);
        Assert.Equal(1f, p.LengthPenalty);
        Assert.Null(p.Seed);
        Assert.Null(p.MaxTokens);
        Assert.True(p.Detokenize && p.SkipSpecialTokens && p.SpacesBetweenSpecialTokens);
        Assert.Equal(SamplerOrder.Default, p.Order);
    }

    public static TheoryData<string> AcceptedBodies => new()
    {
        """{"temperature": 0}""", """{"temperature": 7.5}""", """{"dynatemp_min": 0.5, "dynatemp_max": 1.5, "dynatemp_exponent": 0}""",
        """{"temperature_last": true}""", """{"top_p": 1}""", """{"top_p": 0.01}""", """{"top_k": -1}""", """{"top_k": 0}""", """{"top_k": 40}""",
        """{"top_a": 0.3}""", """{"min_p": 1}""", """{"tfs": 0.5}""", """{"eta_cutoff": 3}""", """{"epsilon_cutoff": 1000}""",
        """{"typical_p": 0}""", """{"smoothing_factor": 0.3, "smoothing_curve": -2}""", """{"nsigma": 1.5}""",
        """{"xtc_threshold": 0.2, "xtc_probability": 1}""", """{"skew": -3}""", """{"mirostat_mode": 2, "mirostat_tau": 3, "mirostat_eta": 0.2}""",
        """{"repetition_penalty": 0.5}""", """{"presence_penalty": -2}""", """{"frequency_penalty": 2}""", """{"no_repeat_ngram_size": 3}""",
        """{"no_repeat_ngram": 4}""", """{"dry_multiplier": 0.8, "dry_base": 1.01, "dry_allowed_length": 0, "dry_range": 100}""",
        """{"dry_sequence_breakers": "[\"\\n\", \"!\"]"}""", """{"dry_sequence_breaker_ids": [1, 2]}""", """{"dry_penalty_last_n": 5}""",
        """{"dry_max_ngram": 0, "dry_max_occurrences": 0, "dry_early_exit_match_len": 0}""",
        """{"sampler_priority": ["dry", "PENALTIES", 8, 5, 9, 0, 1, 2, 3, 10, 11, 4, 12, 13, 13]}""", """{"sampler_order": []}""",
        """{"seed": 9223372036854775807}""", """{"seed": -1}""", """{"seed": [1, 2], "n": 2}""", """{"n": 3, "best_of": 5}""",
        """{"use_beam_search": true, "temperature": 0, "best_of": 4, "length_penalty": 0.5, "early_stopping": "never"}""",
        """{"stop": "x"}""", """{"stop": ["a", "bc"], "include_stop_str_in_output": true}""", """{"stop_token_ids": [1], "stop_tokens": [{"tokens": [2]}]}""",
        """{"ignore_eos": true, "min_tokens": 4, "max_tokens": 4}""", """{"max_tokens": 0, "echo": true}""", """{"max_completion_tokens": 7}""",
        """{"max_total_tokens": 100, "min_total_tokens": 10}""", """{"logprobs": 20}""", """{"logprobs": true, "top_logprobs": 5}""",
        """{"prompt_logprobs": 0}""", """{"detokenize": false}""", """{"custom_token_bans": [9]}""", """{"bad_words": ["x y"]}""",
        """{"bad_word_tokens": [{"tokens": [1, 2]}]}""", """{"logit_bias": {"3": 500}}""", """{"logits_processors": []}""",
        """{"logits_processors": {"1": 2}}""", """{"allowed_token_ids": [0, 1]}""", """{"truncate_prompt_tokens": -1}""",
        """{"guided_choice": ["a", "b"], "guided_decoding_backend": "regex"}""", """{"response_format": {"type": "json_object"}}""",
        """{"response_format": {"type": "text"}, "guided_regex": "a+"}""", """{"eos_token": [3]}""", """{"num_beams": 3, "temperature": 0}""",
        """{"n": 1.0}""", """{"temperature": null}""", """{"unknown_field": {"anything": 1}}""",
    };

    [Theory]
    [MemberData(nameof(AcceptedBodies))]
    public void Accepts_ValidValue(string json) => Assert.NotNull(Parse(json, Vocab10));

    public static TheoryData<string, string> RejectedBodies => new()
    {
        { """{"temperature": -0.1}""", "temperature" },
        { """{"dynatemp_min": -1}""", "dynatemp_min" },
        { """{"dynatemp_max": -1}""", "dynatemp_max" },
        { """{"dynatemp_exponent": -1}""", "dynatemp_exponent" },
        { """{"dynatemp_range": -1}""", "dynatemp_range" },
        { """{"top_p": 0}""", "top_p" },
        { """{"top_p": 1.5}""", "top_p" },
        { """{"top_k": -2}""", "top_k" },
        { """{"top_a": -0.1}""", "top_a" },
        { """{"min_p": 1.1}""", "min_p" },
        { """{"min_p": -0.1}""", "min_p" },
        { """{"tfs": 0}""", "tfs" },
        { """{"tfs": 1.1}""", "tfs" },
        { """{"eta_cutoff": -1}""", "eta_cutoff" },
        { """{"epsilon_cutoff": 1001}""", "epsilon_cutoff" },
        { """{"typical_p": 1.5}""", "typical_p" },
        { """{"smoothing_factor": -0.5}""", "smoothing_factor" },
        { """{"nsigma": -1}""", "nsigma" },
        { """{"xtc_threshold": -0.1}""", "xtc_threshold" },
        { """{"xtc_probability": 1.5}""", "xtc_probability" },
        { """{"mirostat_mode": 1}""", "mirostat_mode" },
        { """{"mirostat_tau": -1}""", "mirostat_tau" },
        { """{"mirostat_eta": -1}""", "mirostat_eta" },
        { """{"repetition_penalty": 0}""", "repetition_penalty" },
        { """{"presence_penalty": 2.5}""", "presence_penalty" },
        { """{"frequency_penalty": -2.5}""", "frequency_penalty" },
        { """{"no_repeat_ngram_size": -1}""", "no_repeat_ngram_size" },
        { """{"no_repeat_ngram": -1}""", "no_repeat_ngram" },
        { """{"encoder_no_repeat_ngram": 2}""", "encoder_no_repeat_ngram" },
        { """{"encoder_repetition_penalty": 1.2}""", "encoder_repetition_penalty" },
        { """{"dry_multiplier": -1}""", "dry_multiplier" },
        { """{"dry_base": 1}""", "dry_base" },
        { """{"dry_allowed_length": -1}""", "dry_allowed_length" },
        { """{"dry_range": -1}""", "dry_range" },
        { """{"dry_max_ngram": -1}""", "dry_max_ngram" },
        { """{"dry_max_occurrences": -1}""", "dry_max_occurrences" },
        { """{"dry_early_exit_match_len": -1}""", "dry_early_exit_match_len" },
        { """{"dry_sequence_breakers": "not json"}""", "dry_sequence_breakers" },
        { """{"dry_sequence_breaker_ids": [10]}""", "dry_sequence_breaker_ids" },
        { """{"sampler_priority": [0, 1]}""", "sampler_priority" },
        { """{"sampler_priority": [14]}""", "sampler_priority" },
        { """{"sampler_order": ["bogus"]}""", "sampler_order" },
        { """{"seed": 1.5}""", "seed" },
        { """{"seed": 1e30}""", "seed" },
        { """{"seed": [1, 2]}""", "seed" },
        { """{"n": 0}""", "n" },
        { """{"n": 1.5}""", "n" },
        { """{"n": 129}""", "n" },
        { """{"n": 2, "best_of": 1}""", "best_of" },
        { """{"n": 2, "temperature": 0}""", "n" },
        { """{"best_of": 2, "temperature": 0}""", "best_of" },
        { """{"use_beam_search": true, "best_of": 2}""", "temperature" },
        { """{"use_beam_search": true, "temperature": 0, "best_of": 2, "top_p": 0.5}""", "top_p" },
        { """{"use_beam_search": true, "temperature": 0, "best_of": 2, "top_k": 5}""", "top_k" },
        { """{"use_beam_search": true, "temperature": 0}""", "best_of" },
        { """{"length_penalty": 2}""", "length_penalty" },
        { """{"early_stopping": true}""", "early_stopping" },
        { """{"early_stopping": "sometimes"}""", "early_stopping" },
        { """{"stop": [""]}""", "stop" },
        { """{"stop": 5}""", "stop" },
        { """{"stop": ["a"], "detokenize": false}""", "stop" },
        { """{"stop_token_ids": [10]}""", "stop_token_ids" },
        { """{"stop_token_ids": [-1]}""", "stop_token_ids" },
        { """{"eos_token": [11]}""", "eos_token" },
        { """{"min_tokens": -1}""", "min_tokens" },
        { """{"min_tokens": 20, "max_tokens": 16}""", "min_tokens" },
        { """{"max_tokens": 0}""", "max_tokens" },
        { """{"max_completion_tokens": 0}""", "max_completion_tokens" },
        { """{"max_tokens": 5, "max_total_tokens": 100}""", "max_total_tokens" },
        { """{"min_tokens": 5, "min_total_tokens": 10}""", "min_total_tokens" },
        { """{"logprobs": 21}""", "logprobs" },
        { """{"logprobs": -1}""", "logprobs" },
        { """{"logprobs": false, "top_logprobs": 2}""", "top_logprobs" },
        { """{"prompt_logprobs": -1}""", "prompt_logprobs" },
        { """{"prompt_logprobs": 2, "stream": true}""", "prompt_logprobs" },
        { """{"custom_token_bans": [10]}""", "custom_token_bans" },
        { """{"custom_token_bans": ["a"]}""", "custom_token_bans" },
        { """{"bad_words": [""]}""", "bad_words" },
        { """{"bad_word_tokens": [{"tokens": [12]}]}""", "bad_word_tokens" },
        { """{"bad_word_tokens": [{"nope": [1]}]}""", "bad_word_tokens" },
        { """{"logit_bias": {"x": 1}}""", "logit_bias" },
        { """{"logit_bias": {"10": 1}}""", "logit_bias" },
        { """{"logit_bias": [1]}""", "logit_bias" },
        { """{"logits_processors": ["f"]}""", "logits_processors" },
        { """{"allowed_token_ids": []}""", "allowed_token_ids" },
        { """{"allowed_token_ids": [10]}""", "allowed_token_ids" },
        { """{"truncate_prompt_tokens": 0}""", "truncate_prompt_tokens" },
        { """{"guided_regex": "a", "guided_choice": ["b"]}""", "guided_choice" },
        { """{"response_format": {"type": "json_object"}, "guided_regex": "a"}""", "response_format" },
        { """{"response_format": {"type": "yaml"}}""", "response_format" },
        { """{"temperature": "hot"}""", "temperature" },
        { """{"ignore_eos": 1}""", "ignore_eos" },
        { """{"top_k": 2.5}""", "top_k" },
    };

    [Theory]
    [MemberData(nameof(RejectedBodies))]
    public void Rejects_InvalidValue_NamingTheField(string json, string field)
    {
        var ex = Assert.Throws<SamplingParamsException>(() => Parse(json, Vocab10));
        Assert.Equal(field, ex.Field);
        Assert.Contains(field.Split('_')[0], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_StatesFieldRuleAndValue_AsApiSpecShows()
    {
        var ex = Assert.Throws<SamplingParamsException>(() => Parse("""{"top_p": 1.5}"""));
        Assert.Equal("top_p must be in (0, 1], got 1.5.", ex.Message);
        ex = Assert.Throws<SamplingParamsException>(() => Parse("""{"min_tokens": 20, "max_tokens": 16}"""));
        Assert.Equal("min_tokens must be less than or equal to max_tokens=16, got 20.", ex.Message);
        ex = Assert.Throws<SamplingParamsException>(() => Parse("""{"sampler_priority": [0,1,2,3,4,5,6,7,8,9,10,11,12]}"""));
        Assert.Equal("Missing required samplers in priority list: ['XTC']", ex.Message);
    }

    [Fact]
    public void Normalises_DisablingValuesAndAliases()
    {
        Assert.Equal(0, Parse("""{"top_k": -1}""").TopK);
        Assert.Equal(0, Parse("""{"top_k": 10}""", Vocab10).TopK);
        Assert.Equal(0.01f, Parse("""{"temperature": 0.001}""").Temperature);
        Assert.Null(Parse("""{"seed": -1}""").Seed);
        Assert.Equal(5, Parse("""{"dry_penalty_last_n": 5}""").DryRange);
        Assert.Equal(7, Parse("""{"max_tokens": 3, "max_completion_tokens": 7}""").MaxTokens);
        Assert.Equal([1, 2, 3], Parse("""{"stop_token_ids": [1], "stop_tokens": [{"tokens": [2, 3]}]}""").StopTokenIds);
        Assert.Equal(["\n", "!"], Parse("""{"dry_sequence_breakers": ["\\n", "!"]}""").DrySequenceBreakers);
        Assert.Equal(100f, Parse("""{"logit_bias": {"3": 500}}""").LogitBias[3]);
        Assert.Equal(3f, Parse("""{"logits_processors": {"1": 2, "2": 3}, "logit_bias": {"1": 3}}""").LogitBias[1]);
        var beams = Parse("""{"num_beams": 3, "temperature": 0}""");
        Assert.True(beams.UseBeamSearch);
        Assert.Equal(3, beams.BestOf);
        Assert.Equal(4, Parse("""{"logprobs": true, "top_logprobs": 4}""").Logprobs);
        Assert.Null(Parse("""{"logprobs": false}""").Logprobs);
        Assert.Null(Parse("""{"response_format": {"type": "text"}}""").ResponseFormat);
        Assert.Equal(EarlyStopping.Never, Parse("""{"use_beam_search": true, "temperature": 0, "best_of": 2, "early_stopping": "never"}""").EarlyStopping);
    }

    [Fact]
    public void DynatempRange_DerivesBoundsFromTemperature_UnlessBoundsGiven()
    {
        var p = Parse("""{"temperature": 0.3, "dynatemp_range": 0.5}""");
        Assert.Equal((0f, 0.8f), (p.DynatempMin, p.DynatempMax));
        p = Parse("""{"temperature": 1, "dynatemp_range": 0.5, "dynatemp_max": 3}""");
        Assert.Equal((0f, 3f), (p.DynatempMin, p.DynatempMax));
    }

    [Fact]
    public void SamplerPriority_NamesAndIdsMix_AndOverrideTemperatureLast()
    {
        var p = Parse("""{"temperature_last": true, "sampler_priority": ["Temperature", 7, 6, 8, 9, 0, 1, 2, 3, 10, 11, 4, 12, 13]}""");
        Assert.Equal(SamplerId.Temperature, p.Order[0]);
        Assert.Equal(SamplerId.Temperature, Parse("""{"temperature_last": true}""").Order[^1]);
    }

    [Fact]
    public void RngIdentity_ScalarSeedUsesChoice_ListSeedUsesChoiceZero()
    {
        Assert.Equal((7L, 2), Parse("""{"seed": 7, "n": 3}""").RngIdentity(2, 99));
        Assert.Equal((20L, 0), Parse("""{"seed": [10, 20], "n": 2}""").RngIdentity(1, 99));
        Assert.Equal((99L, 1), Parse("""{"n": 2}""").RngIdentity(1, 99));
    }

    [Fact]
    public void ResolveLengths_FriendliTotals()
    {
        var p = Parse("""{"max_total_tokens": 100, "min_total_tokens": 30}""");
        Assert.Equal((80, 10), p.ResolveLengths(20, 16, 4096));
        Assert.Equal((16, 0), Parse("{}").ResolveLengths(20, 16, 4096));
        Assert.Throws<SamplingParamsException>(() => p.ResolveLengths(100, 16, 4096));
    }

    [Fact]
    public void ResolveLengths_ExplicitNullMaxTokens_MeansRestOfContext()
    {
        Assert.Equal((4076, 0), Parse("""{"max_tokens": null}""").ResolveLengths(20, 16, 4096));
        Assert.Equal((7, 0), Parse("""{"max_tokens": null, "max_completion_tokens": 7}""").ResolveLengths(20, 16, 4096));
    }
}
