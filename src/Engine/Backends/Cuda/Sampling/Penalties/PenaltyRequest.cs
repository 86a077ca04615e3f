using Engine.Sampling;

namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// What <see cref="DevicePenalties.BeginRequest"/> needs of one request: its validated parameters and the lists the
/// CPU <see cref="SamplerChain"/> derives from them and the model once per request (its private <c>_stopSet</c>,
/// <c>_badWords</c>, <c>_breakers</c> and tokenizer vocabulary size), so the device applies exactly the same sets.
/// <c>allowed_token_ids</c>, <c>logit_bias</c> and <c>custom_token_bans</c> are read from <see cref="Params"/>.
/// </summary>
public sealed record PenaltyRequest
{
    /// <summary>Validated parameters (<see cref="SamplerChain.Params"/>).</summary>
    public required SamplingParams Params { get; init; }

    /// <summary>Ids at or above it are padded rows (§3.7 rule 3): min(SamplerSetup.TokenizerVocabSize ?? V, V).</summary>
    public required int TokenizerVocabSize { get; init; }

    /// <summary>stop_token_ids ∪ model EOS ∪ request EOS, ids in [0, V) (§4.5).</summary>
    public IReadOnlyList<int> StopSet { get; init; } = [];

    /// <summary>bad_word_tokens and tokenised bad_words (§4.4), each non-empty.</summary>
    public IReadOnlyList<IReadOnlyList<int>> BadWords { get; init; } = [];

    /// <summary>DRY breaker ids (§5.5): dry_sequence_breaker_ids plus the last id of each tokenised breaker string.</summary>
    public IReadOnlyList<int> Breakers { get; init; } = [];

    /// <summary>The request of <paramref name="chain"/>, with exactly the sets the CPU chain applies.</summary>
    public static PenaltyRequest From(SamplerChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return new PenaltyRequest
        {
            Params = chain.Params,
            TokenizerVocabSize = chain.TokenizerVocabSize,
            StopSet = chain.StopSet,
            BadWords = chain.BadWordIds,
            Breakers = chain.BreakerIds,
        };
    }
}
