using System.Runtime.CompilerServices;
using System.Text;
using Engine.Tokenization;

namespace Engine.Guided;

/// <summary>
/// What guided decoding knows about a tokenizer: the exact output bytes of every token and the prefix trie
/// over them. Built once per <see cref="Tokenizer"/> (cached weakly, so it lives as long as the tokenizer).
/// Byte-level tokens map through the byte-level alphabet (a token may be part of a UTF-8 character);
/// SentencePiece byte-fallback <c>&lt;0xNN&gt;</c> tokens are that one byte; other tokens are their decoded text
/// in a non-initial position (so <c>▁</c> is a space). Special tokens, and tokens with no bytes, are never
/// allowed by a constraint; EOS is handled by the matcher's completeness instead.
/// </summary>
public sealed class GuidedVocabulary
{
    private static readonly ConditionalWeakTable<Tokenizer, GuidedVocabulary> Cache = new();

    internal GuidedVocabulary(byte[]?[] tokenBytes)
    {
        TokenBytes = tokenBytes;
        Trie = new VocabularyTrie(tokenBytes);
    }

    /// <summary>Number of token ids covered (the tokenizer's vocabulary size).</summary>
    public int Size => TokenBytes.Length;

    /// <summary>Per token id, its output bytes; null for a token a constraint never allows.</summary>
    internal byte[]?[] TokenBytes { get; }

    internal VocabularyTrie Trie { get; }

    /// <summary>Nodes of the prefix trie (distinct non-empty token prefixes): the upper bound on one mask's work.</summary>
    public int TrieNodeCount => Trie.NodeCount;

    /// <summary>The output bytes of token <paramref name="id"/>; empty for a token a constraint never allows.</summary>
    public ReadOnlySpan<byte> BytesOf(int id) => (uint)id < (uint)TokenBytes.Length ? TokenBytes[id] : [];

    /// <summary>The vocabulary of <paramref name="tokenizer"/>, built on first use and cached.</summary>
    public static GuidedVocabulary For(Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Cache.GetValue(tokenizer, t => new GuidedVocabulary(TokenBytesOf(t)));
    }

    /// <summary>A vocabulary from explicit token byte strings (tests, benchmarks); null entries are never allowed.</summary>
    public static GuidedVocabulary FromTokenBytes(IReadOnlyList<byte[]?> tokenBytes) => new([.. tokenBytes]);

    private static byte[]?[] TokenBytesOf(Tokenizer t)
    {
        var bytes = new byte[]?[t.VocabSize];
        var byteLevel = t.DecodesByteLevel;
        var anchor = byteLevel ? -1 : FindAnchor(t);
        var anchorText = anchor < 0 ? "" : t.Decode([anchor]);
        for (var id = 0; id < bytes.Length; id++)
        {
            var token = t.IdToToken(id);
            if (token is null || t.IsSpecial(id))
            {
                continue;
            }
            byte[]? b;
            if (t.IsByteFallbackToken(id))
            {
                b = [Convert.ToByte(token.Substring(3, 2), 16)];
            }
            else if (t.TokenToId(token) is { } canonical && canonical == id && byteLevel)
            {
                b = ByteLevelBytes(token) ?? Encoding.UTF8.GetBytes(token);
            }
            else if (anchor >= 0)
            {
                var text = t.Decode([anchor, id]);
                b = text.StartsWith(anchorText, StringComparison.Ordinal) ? Encoding.UTF8.GetBytes(text[anchorText.Length..]) : null;
            }
            else
            {
                b = Encoding.UTF8.GetBytes(t.Decode([id]));
            }
            bytes[id] = b is { Length: > 0 } ? b : null;
        }
        return bytes;
    }

    private static byte[]? ByteLevelBytes(string token)
    {
        var b = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            var v = ByteLevelAlphabet.ByteOf(token[i]);
            if (v < 0)
            {
                return null;
            }
            b[i] = (byte)v;
        }
        return b;
    }

    // A plain ASCII letter token to decode in front of each token, so start-of-text decoder rules (Metaspace's
    // dropped first space, a Strip step) apply to the anchor and not to the token.
    private static int FindAnchor(Tokenizer t)
    {
        foreach (var s in new[] { "a", "x", "e", "▁a" })
        {
            if (t.TokenToId(s) is { } id && !t.IsSpecial(id) && t.Decode([id]).Length > 0)
            {
                return id;
            }
        }
        return -1;
    }
}
