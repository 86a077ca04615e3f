namespace Loader.Tokenizers;

/// <summary>One entry of tokenizer.json's <c>added_tokens</c>: a token matched in the raw (or, when
/// <see cref="Normalized"/>, the normalized) text before the model runs.</summary>
/// <param name="SingleWord">Only matched when not adjacent to a word character (Rust regex <c>\w</c>).</param>
/// <param name="Lstrip">The match swallows the whitespace to its left.</param>
/// <param name="Rstrip">The match swallows the whitespace to its right.</param>
/// <param name="Normalized">Matched against the normalized text instead of the raw text.</param>
/// <param name="Special">Dropped by <c>decode(skip_special_tokens: true)</c>.</param>
public sealed record AddedTokenEntry(
    int Id, string Content, bool SingleWord, bool Lstrip, bool Rstrip, bool Normalized, bool Special);
