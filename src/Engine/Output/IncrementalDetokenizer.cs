using System.Runtime.InteropServices;
using Engine.Tokenization;

namespace Engine.Output;

/// <summary>Turns a stream of token ids into text deltas whose concatenation equals the text the ids add to
/// their context (<c>Decode(context + ids) − Decode(context)</c>, or <c>Tokenizer.Decode(ids, skipSpecialTokens)</c>
/// without context), never splitting a character.</summary>
/// <remarks>The approach of vLLM's <c>detokenize_incrementally</c>: each step decodes a short window, the tokens
/// already emitted last time (prefix) plus the new ones, and emits what the new ones add to the prefix's text.
/// Decoding the prefix with the new tokens keeps context-dependent rules (Metaspace's first-token space, a
/// stripped leading space) identical on both sides, so they cancel. A detokenizer primed with the prompt's last
/// tokens (vLLM's prefix offset into the prompt) therefore keeps the space of a SentencePiece first output token
/// ("▁of" after "time" is " of", not "of"). Text is held back while it ends in U+FFFD (an incomplete UTF-8
/// sequence from byte-level or byte-fallback tokens) or while the last token is a <c>&lt;0xNN&gt;</c> byte token
/// (HF decodes a run of them as a whole, so a later byte can turn earlier valid ones into U+FFFD). Each step
/// costs a decode of the window, so O(1) amortized per token.</remarks>
public sealed class IncrementalDetokenizer
{
    // vLLM's INITIAL_INCREMENTAL_DETOKENIZATION_OFFSET: how many prompt tokens give the first output its context;
    // extended (up to MaxContextTokens) while the window would start inside a UTF-8 sequence.
    private const int ContextTokens = 5;
    private const int MaxContextTokens = 24;

    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _ids = [];
    private int _prefixOffset;
    private int _readOffset;

    internal IncrementalDetokenizer(Tokenizer tokenizer, bool skipSpecialTokens, IReadOnlyList<int>? context = null)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
        if (context is not null)
        {
            Prime(context);
        }
    }

    /// <summary>Appends a token and returns the text it completes (possibly empty).</summary>
    public string Add(int tokenId)
    {
        if (Skips(tokenId))
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

    /// <summary>The text <paramref name="tokenId"/> would add if it came next, with an incomplete character as
    /// U+FFFD (for logprob alternatives; nothing changes). A skipped special token gives its own content.</summary>
    public string Peek(int tokenId)
    {
        if (Skips(tokenId))
        {
            return _tokenizer.IdToToken(tokenId) ?? "";
        }
        var ids = CollectionsMarshal.AsSpan(_ids);
        var prefixText = _tokenizer.Decode(ids[_prefixOffset..]);
        Span<int> window = ids.Length - _prefixOffset < 64 ? stackalloc int[ids.Length - _prefixOffset + 1] : new int[ids.Length - _prefixOffset + 1];
        ids[_prefixOffset..].CopyTo(window);
        window[^1] = tokenId;
        var newText = _tokenizer.Decode(window);
        // text held back so far (a pending byte run) belongs to the tokens before this one; skip it when it survives
        var common = CommonPrefixLength(prefixText, newText);
        return newText[common..];
    }

    /// <summary>Returns everything still held back (an incomplete character decodes to U+FFFD here, as in
    /// <c>Decode</c>).</summary>
    public string Finish() => Emit(final: true);

    private bool Skips(int tokenId) => _skipSpecialTokens && _tokenizer.IsSpecial(tokenId);

    // The context's text is never emitted: its last tokens only become the first window's prefix.
    private void Prime(IReadOnlyList<int> context)
    {
        var take = Math.Min(context.Count, ContextTokens);
        while (take < Math.Min(context.Count, MaxContextTokens) && StartsInsideCharacter(context, take))
        {
            take++;
        }
        for (var i = context.Count - take; i < context.Count; i++)
        {
            if (!Skips(context[i]))
            {
                _ids.Add(context[i]);
            }
        }
        _prefixOffset = 0;
        _readOffset = _ids.Count;
    }

    private bool StartsInsideCharacter(IReadOnlyList<int> context, int take)
    {
        var first = context[context.Count - take];
        return _tokenizer.IsByteFallbackToken(first) || _tokenizer.Decode([first]).StartsWith('\uFFFD');
    }

    private static int CommonPrefixLength(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }
        return i;
    }

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
