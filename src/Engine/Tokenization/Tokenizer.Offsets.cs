using System.Text;

namespace Engine.Tokenization;

public sealed partial class Tokenizer
{
    /// <summary>Encodes like <see cref="Encode"/> and reports, per token, the characters it covers in the
    /// normalized text, which is returned: the added tokens as written, and each other segment after the
    /// normalizer and the pre-tokenizer's rewriting (Metaspace's <c>▁</c>; byte-level pieces read back as
    /// text). Without a normalizer or rewriting that is the input itself. A token that covers part of a
    /// character (one byte of an emoji) is given the whole character, so neighbours can share a span; text a
    /// pre-tokenizer removes (a <c>Removed</c> split) is not in the normalized text.</summary>
    /// <param name="normalize">false skips the normalizer (ML.Tokenizers' <c>considerNormalization</c>).</param>
    /// <param name="preTokenize">false gives each segment to the model whole (<c>considerPreTokenization</c>);
    /// a byte-level model still sees it in the byte-level alphabet.</param>
    public string EncodeWithOffsets(string text, bool addSpecialTokens, List<TokenSpan> output, bool normalize = true, bool preTokenize = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(output);
        if (_library is { } library)
        {
            return library.EncodeWithOffsets(text, addSpecialTokens, output, normalize);
        }
        output.Clear();
        var normalizedText = new StringBuilder(text.Length + 8);
        var rawSpans = new List<(int Start, int End, int Id)>();
        var normalizedSpans = new List<(int Start, int End, int Id)>();
        var pieces = new List<PreToken>();
        var ids = new List<int>();
        var byteLevel = _preTokenizer?.MapsToByteLevel == true;
        // An added token stands for its text as written.
        void AddAdded(int id, string source, int start, int end)
        {
            output.Add(new TokenSpan(id, normalizedText.Length, normalizedText.Length + end - start));
            normalizedText.Append(source, start, end - start);
        }
        _added.SplitRaw(text, rawSpans);
        foreach (var (start, end, id) in rawSpans)
        {
            if (id >= 0)
            {
                AddAdded(id, text, start, end);
                continue;
            }
            var segment = text[start..end];
            var normalized = normalize ? _normalizer?.Normalize(segment) ?? segment : segment;
            normalizedSpans.Clear();
            _added.SplitNormalized(normalized, normalizedSpans);
            foreach (var (nStart, nEnd, nId) in normalizedSpans)
            {
                if (nId >= 0)
                {
                    AddAdded(nId, normalized, nStart, nEnd);
                    continue;
                }
                pieces.Clear();
                var whole = normalized[nStart..nEnd];
                if (preTokenize)
                {
                    pieces.Add(new PreToken(whole, start == 0 && nStart == 0));
                    _preTokenizer?.PreTokenize(pieces);
                }
                else
                {
                    pieces.Add(new PreToken(byteLevel ? ByteLevelAlphabet.Encode(whole) : whole, start == 0 && nStart == 0));
                }
                foreach (var piece in pieces)
                {
                    ids.Clear();
                    _model.Tokenize(piece.Text, ids);
                    var surface = byteLevel ? ByteLevelText(piece.Text) : piece.Text;
                    AddPieceSpans(surface, byteLevel, ids, normalizedText.Length, output);
                    normalizedText.Append(surface);
                }
            }
        }
        var prefix = addSpecialTokens ? _postProcessor.PrefixLength : 0;
        var suffix = addSpecialTokens ? _postProcessor.SuffixLength : 0;
        if (prefix + suffix > 0)
        {
            var sequence = output.Select(t => t.Id).ToList();
            var all = _postProcessor.Apply(sequence, addSpecialTokens);
            var inner = output.ToArray();
            output.Clear();
            for (var i = 0; i < prefix; i++)
            {
                output.Add(new TokenSpan(all[i], 0, 0));
            }
            output.AddRange(inner);
            for (var i = all.Length - suffix; i < all.Length; i++)
            {
                output.Add(new TokenSpan(all[i], normalizedText.Length, normalizedText.Length));
            }
        }
        return normalizedText.ToString();
    }

    /// <summary>Assigns each token of one piece its characters: a token's UTF-8 length is its string's length in
    /// the byte-level alphabet, one for a <c>&lt;0xNN&gt;</c> byte, one character for unk, else the UTF-8 length
    /// of its string without the subword prefix and suffix.</summary>
    private void AddPieceSpans(string surface, bool byteLevel, List<int> ids, int origin, List<TokenSpan> output)
    {
        var utf8Length = Encoding.UTF8.GetByteCount(surface);
        // charAtByte[b] = index of the character holding byte b of the piece.
        var charAtByte = new int[utf8Length + 1];
        for (int c = 0, b = 0; c < surface.Length;)
        {
            var width = char.IsHighSurrogate(surface[c]) && c + 1 < surface.Length ? 2 : 1;
            var n = Encoding.UTF8.GetByteCount(surface.AsSpan(c, width));
            for (var k = 0; k < n; k++)
            {
                charAtByte[b++] = c;
            }
            c += width;
        }
        charAtByte[utf8Length] = surface.Length;
        var bytePos = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var length = TokenByteLength(ids[i], byteLevel, i == 0, i == ids.Count - 1, surface, charAtByte[Math.Min(bytePos, utf8Length)]);
            var startByte = Math.Min(bytePos, utf8Length);
            var endByte = i == ids.Count - 1 ? utf8Length : Math.Min(bytePos + length, utf8Length);
            var startChar = charAtByte[startByte];
            // The end is the end of the character holding the token's last byte.
            var endChar = endByte == startByte ? startChar : NextCharStart(charAtByte, endByte - 1, surface.Length);
            output.Add(new TokenSpan(ids[i], origin + startChar, origin + endChar));
            bytePos += length;
        }
    }

    private static int NextCharStart(int[] charAtByte, int lastByte, int charCount)
    {
        var c = charAtByte[lastByte];
        for (var b = lastByte + 1; b < charAtByte.Length; b++)
        {
            if (charAtByte[b] != c)
            {
                return charAtByte[b];
            }
        }
        return charCount;
    }

    private int TokenByteLength(int id, bool byteLevel, bool first, bool last, string surface, int atChar)
    {
        var token = _model.IdToToken(id) ?? "";
        if (byteLevel)
        {
            return token.Length;
        }
        if (_model.HasByteFallback && token is { Length: 6 } && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>')
        {
            return 1;
        }
        if (id == _model.UnkId)
        {
            var width = atChar < surface.Length && char.IsHighSurrogate(surface[atChar]) ? 2 : 1;
            return atChar < surface.Length ? Encoding.UTF8.GetByteCount(surface.AsSpan(atChar, Math.Min(width, surface.Length - atChar))) : 0;
        }
        var text = token.AsSpan();
        if (!first && _model.ContinuingSubwordPrefix is { } prefix && text.StartsWith(prefix, StringComparison.Ordinal))
        {
            text = text[prefix.Length..];
        }
        if (last && _model.EndOfWordSuffix is { } suffix && text.EndsWith(suffix, StringComparison.Ordinal))
        {
            text = text[..^suffix.Length];
        }
        return Encoding.UTF8.GetByteCount(text);
    }

    /// <summary>The text of a byte-level piece (whole characters, as the pre-tokenizer splits between them).</summary>
    private static string ByteLevelText(string piece)
    {
        var bytes = new byte[piece.Length];
        for (var i = 0; i < piece.Length; i++)
        {
            bytes[i] = (byte)Math.Max(0, ByteLevelAlphabet.ByteOf(piece[i]));
        }
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Whether this tokenizer has a normalizer (tokenizer.json pipeline only).</summary>
    internal bool HasNormalizer => _library is null && _normalizer is not null;

    /// <summary>Whether this tokenizer has a pre-tokenizer (tokenizer.json pipeline only).</summary>
    internal bool HasPreTokenizer => _library is null && _preTokenizer is not null;

    /// <summary>The normalizer applied to the whole text (no added-token splitting).</summary>
    internal string NormalizeText(string text) => _library is null && _normalizer is not null ? _normalizer.Normalize(text) : text;

    /// <summary>The pre-tokenizer's pieces of <paramref name="text"/> (taken as normalized) as (offset, length)
    /// in the text the pieces spell out, which is <paramref name="text"/> itself unless the pre-tokenizer
    /// rewrites (Metaspace's added <c>▁</c>, ByteLevel's prefix space).</summary>
    internal List<(int Offset, int Length)> PreTokenizeOffsets(string text)
    {
        var pieces = new List<PreToken> { new(text, true) };
        _preTokenizer?.PreTokenize(pieces);
        var byteLevel = _preTokenizer?.MapsToByteLevel == true;
        var result = new List<(int Offset, int Length)>(pieces.Count);
        var offset = 0;
        foreach (var piece in pieces)
        {
            var length = byteLevel ? ByteLevelText(piece.Text).Length : piece.Text.Length;
            result.Add((offset, length));
            offset += length;
        }
        return result;
    }
}
