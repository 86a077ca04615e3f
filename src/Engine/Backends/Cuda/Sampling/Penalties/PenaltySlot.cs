namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// One slot's request parameters for the penalty kernels, uploaded once by <see cref="DevicePenalties.BeginRequest"/>
/// (flags are ints: the struct is copied to the device as is). Inactive stages carry their "off" flag, so a kernel
/// tests one int and leaves the row untouched, exactly as the CPU chain skips them.
/// </summary>
/// <param name="TokenizerVocabSize">Ids ≥ this are padded output rows, removed at S0 (§3.7 rule 3).</param>
/// <param name="HasAllowed">1 when <c>allowed_token_ids</c> is set (the slot's allow bits then apply).</param>
/// <param name="MinTokens">The stop set is removed while the output is shorter (§4.5).</param>
/// <param name="BiasCount">Entries of the slot's <c>logit_bias</c> list.</param>
/// <param name="BadWordCount">Multi-token bad words in the slot's list (one-token words are in the ban bits).</param>
/// <param name="PenaltiesActive">1 when PENALTIES (id 6) is active (RepetitionPenalties.IsActive).</param>
/// <param name="RepetitionActive">1 when |r − 1| ≥ 1e−5.</param>
/// <param name="RepetitionPenalty">r.</param>
/// <param name="FrequencyPenalty">α_f, or 0 when |α_f| &lt; 1e−5.</param>
/// <param name="PresencePenalty">α_p, or 0 when |α_p| &lt; 1e−5.</param>
/// <param name="NoRepeatNgramSize">N; 0 = off.</param>
/// <param name="DryActive">1 when dry_multiplier &gt; 1e−5.</param>
/// <param name="DryAllowedLength">dry_allowed_length.</param>
/// <param name="DryRange">dry_range; 0 = the whole history.</param>
/// <param name="DryMaxNgram">dry_max_ngram.</param>
/// <param name="DryMaxOccurrences">dry_max_occurrences; 0 = no cap.</param>
/// <param name="DryEarlyExitMatchLength">dry_early_exit_match_len.</param>
/// <param name="BreakerCount">Entries of the slot's sorted breaker list.</param>
public readonly record struct PenaltySlot(
    int TokenizerVocabSize,
    int HasAllowed,
    int MinTokens,
    int BiasCount,
    int BadWordCount,
    int PenaltiesActive,
    int RepetitionActive,
    float RepetitionPenalty,
    float FrequencyPenalty,
    float PresencePenalty,
    int NoRepeatNgramSize,
    int DryActive,
    int DryAllowedLength,
    int DryRange,
    int DryMaxNgram,
    int DryMaxOccurrences,
    int DryEarlyExitMatchLength,
    int BreakerCount);
