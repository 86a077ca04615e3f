using Engine.Tokenization;

namespace Engine.Sampling;

/// <summary>
/// What a sequence sampler needs to know about the model: the logit row width, the EOS ids (the model's
/// plus its generation config's extras), the tokenizer's real vocabulary size (rows at or above it are
/// padding and are removed, §3.7 rule 3) and, for string-valued parameters (<c>bad_words</c>,
/// <c>dry_sequence_breakers</c>), a text encoder without special tokens.
/// </summary>
public sealed record SamplerSetup(int VocabSize, IReadOnlyList<int> EosTokenIds)
{
    /// <summary>Ids ≥ this are padded output rows; defaults to <see cref="VocabSize"/>.</summary>
    public int? TokenizerVocabSize { get; init; }

    /// <summary>Encodes text without special tokens; null when no tokenizer is at hand (then string breakers are skipped and <c>bad_words</c> throws).</summary>
    public Func<string, IReadOnlyList<int>>? Encode { get; init; }

    /// <summary>The model's tokenizer, whose token bytes guided decoding masks by (§4.1); null rejects guided requests.</summary>
    public Tokenizer? Tokenizer { get; init; }
}
