namespace Loader.Tokenizers;

/// <summary>The <c>model</c> object of a tokenizer.json whose type is <c>BPE</c>.</summary>
/// <param name="Vocab">Token string → id.</param>
/// <param name="Merges">Merge rules in rank order (rank = index); both the "a b" string form and the
/// [a, b] pair form parse to the same pairs.</param>
/// <param name="UnkToken">Emitted for a character missing from the vocab (when byte fallback cannot cover it).</param>
/// <param name="ContinuingSubwordPrefix">Prefixed to every non-first character of a word before lookup.</param>
/// <param name="EndOfWordSuffix">Appended to the last character of a word before lookup.</param>
/// <param name="FuseUnk">Consecutive unknown characters become one unk token.</param>
/// <param name="ByteFallback">Unknown characters become their UTF-8 bytes as <c>&lt;0xNN&gt;</c> tokens.</param>
/// <param name="IgnoreMerges">A word that is itself in the vocab is emitted whole, without merging.</param>
public sealed record BpeModelFile(
    IReadOnlyDictionary<string, int> Vocab,
    IReadOnlyList<(string Left, string Right)> Merges,
    string? UnkToken,
    string? ContinuingSubwordPrefix,
    string? EndOfWordSuffix,
    bool FuseUnk,
    bool ByteFallback,
    bool IgnoreMerges);
