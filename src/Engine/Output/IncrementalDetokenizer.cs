using System.Runtime.InteropServices;
using Engine.Tokenization;

namespace Engine.Output;

/// <summary>Turns a stream of token ids into text deltas whose concatenation equals
/// <c>Tokenizer.Decode(allIds, skipSpecialTokens)</c>, never splitting a character.</summary>
/// <remarks>The approach of vLLM's <c>detokenize_incrementally</c>: each step decodes a short window, the tokens
/// already emitted last time (prefix) plus the new ones, and emits what the new ones add to the prefix's text.
/// Decoding the prefix with the new tokens keeps context-dependent rules (Metaspace's first-token space, a
/// stripped leading space) identical on both sides, so they cancel. Text is held back while it ends in U+FFFD (an
/// incomplete UTF-8 sequence from byte-level or byte-fallback tokens) or while the last token is a
/// <c>&lt;0xNN&gt;</c> byte token (HF decodes a run of them as a whole, so a later byte can turn earlier valid ones
/// into U+FFFD). Each step costs a decode of the window, so O(1) amortized per token.</remarks>
public sealed class IncrementalDetokenizer
{
    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _ids = [];
    private int _prefixOffset;
    private int _readOffset;

    internal IncrementalDetokenizer(Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Appends a token and returns the text it completes (possibly empty).</summary>
    public string Add(int tokenId)
    {
        if (_skipSpecialTokens && _tokenizer.IsSpecial(tokenId))
        {
            return "";
        }
        _ids.Add(tokenId);
        if (_tokenizer.IsByteFallbackToken(tokenId))
        {
            return "";
        }
        return Emit(final: false);
    }

    /// <summary>Returns everything still held back (an incomplete character decodes to U+FFFD here, as in
    /// <c>Decode</c>).</summary>
    public string Finish() => Emit(final: true);

    private string Emit(bool final)
    {
        var ids = CollectionsMarshal.AsSpan(_ids);
        var prefixText = _tokenizer.Decode(ids[_prefixOffset.._readOffset]);
        var newText = _tokenizer.Decode(ids[_prefixOffset..]);
        var extends = newText.Length > prefixText.Length && newText.StartsWith(prefixText, StringComparison.Ordinal);
        if (!final && (!extends || newText[^1] == '\uFFFD'))
        {
            return "";
        }
        _prefixOffset = _readOffset;
        _readOffset = _ids.Count;
        return extends ? newText[prefixText.Length..] : "";
    }
}
