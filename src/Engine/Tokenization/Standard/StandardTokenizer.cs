using System.Buffers;
using Ml = Microsoft.ML.Tokenizers;

namespace Engine.Tokenization.Standard;

/// <summary>Our exact tokenizer as a <see cref="Ml.Tokenizer"/> (Microsoft.ML.Tokenizers 3.0), so .NET code
/// that takes that type (Microsoft.Extensions.AI, Semantic Kernel's text chunkers) counts, chunks and
/// truncates with the tokenizer of a served model.</summary>
/// <remarks>
/// <para>Ids are <see cref="Tokenizer.Encode"/>'s; with <c>addSpecialTokens</c> (the default, like Hugging
/// Face's <c>encode</c> and ML's <c>LlamaTokenizer</c>) the post-processor's template tokens (BOS) are
/// included and counted. A token's <see cref="Ml.EncodedToken.Value"/> is its vocabulary string, as Hugging
/// Face's <c>Encoding.tokens</c> (<c>Ġworld</c> for a byte-level vocabulary).</para>
/// <para>Offsets index the normalized text (ML's contract), which is the input itself when nothing rewrites
/// it; <c>normalizedText</c> is then null. Template tokens have empty offsets at the start (BOS) or end.
/// Several tokens may share one character's span when a token holds part of its UTF-8 bytes; counting by
/// tokens (<see cref="Ml.Tokenizer.GetIndexByTokenCount(string, int, out string?, out int, bool, bool)"/>,
/// <c>MaxTokenCount</c>) never cuts inside such a character, so it may stop below the limit.</para>
/// <para><c>considerNormalization: false</c> skips the normalizer; <c>considerPreTokenization: false</c> gives
/// each segment between added tokens to the model whole.</para>
/// </remarks>
public sealed class StandardTokenizer : Ml.Tokenizer
{
    private readonly bool _addSpecialTokens;

    public StandardTokenizer(Tokenizer tokenizer, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Exact = tokenizer;
        _addSpecialTokens = addSpecialTokens;
        Normalizer = tokenizer.HasNormalizer ? new StandardNormalizer(tokenizer) : null;
        PreTokenizer = tokenizer.HasPreTokenizer ? new StandardPreTokenizer(tokenizer) : null;
    }

    /// <summary>The engine tokenizer this wraps.</summary>
    public Tokenizer Exact { get; }

    public override Ml.Normalizer? Normalizer { get; }

    public override Ml.PreTokenizer? PreTokenizer { get; }

    protected override Ml.EncodeResults<Ml.EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, Ml.EncodeSettings settings)
    {
        var input = text ?? textSpan.ToString();
        var spans = new List<TokenSpan>();
        var normalized = Exact.EncodeWithOffsets(input, _addSpecialTokens, spans, settings.ConsiderNormalization, settings.ConsiderPreTokenization);
        var count = FittingCount(spans, settings.MaxTokenCount);
        var tokens = new Ml.EncodedToken[count];
        for (var i = 0; i < count; i++)
        {
            var s = spans[i];
            tokens[i] = new Ml.EncodedToken(s.Id, Exact.IdToToken(s.Id) ?? "", new Range(s.Start, s.End));
        }
        return new Ml.EncodeResults<Ml.EncodedToken>
        {
            Tokens = tokens,
            NormalizedText = normalized == input ? null : normalized,
            CharsConsumed = CharsConsumed(spans, count, normalized.Length),
        };
    }

    protected override Ml.EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, Ml.EncodeSettings settings)
    {
        var input = text ?? textSpan.ToString();
        if (IsPlain(settings))
        {
            return new Ml.EncodeResults<int> { Tokens = Exact.Encode(input, _addSpecialTokens), CharsConsumed = input.Length };
        }
        var spans = new List<TokenSpan>();
        var normalized = Exact.EncodeWithOffsets(input, _addSpecialTokens, spans, settings.ConsiderNormalization, settings.ConsiderPreTokenization);
        var count = FittingCount(spans, settings.MaxTokenCount);
        return new Ml.EncodeResults<int>
        {
            Tokens = [.. spans.Take(count).Select(s => s.Id)],
            NormalizedText = normalized == input ? null : normalized,
            CharsConsumed = CharsConsumed(spans, count, normalized.Length),
        };
    }

    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, Ml.EncodeSettings settings) =>
        IsPlain(settings)
            ? Exact.Encode(text ?? textSpan.ToString(), _addSpecialTokens).Length
            : EncodeToIds(text, textSpan, settings).Tokens.Count;

    protected override int GetIndexByTokenCount(string? text, ReadOnlySpan<char> textSpan, Ml.EncodeSettings settings, bool fromEnd, out string? normalizedText, out int tokenCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(settings.MaxTokenCount, nameof(settings.MaxTokenCount));
        var input = text ?? textSpan.ToString();
        var spans = new List<TokenSpan>();
        var normalized = Exact.EncodeWithOffsets(input, _addSpecialTokens, spans, settings.ConsiderNormalization, settings.ConsiderPreTokenization);
        normalizedText = normalized == input ? null : normalized;
        if (!fromEnd)
        {
            tokenCount = FittingCount(spans, settings.MaxTokenCount);
            return CharsConsumed(spans, tokenCount, normalized.Length);
        }
        // From the end: the longest suffix of tokens within the limit that starts on a character boundary.
        var first = Math.Max(0, spans.Count - settings.MaxTokenCount);
        while (first < spans.Count && first > 0 && spans[first].Start < spans[first - 1].End)
        {
            first++;
        }
        tokenCount = spans.Count - first;
        return first < spans.Count ? spans[first].Start : normalized.Length;
    }

    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Exact.Decode([.. ids]);
    }

    /// <summary>Writes the text of the longest prefix of <paramref name="ids"/> that fits, and says how many ids
    /// that was (<see cref="OperationStatus.DestinationTooSmall"/> when not all).</summary>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] all = [.. ids];
        var text = Exact.Decode(all);
        if (text.Length <= destination.Length)
        {
            text.CopyTo(destination);
            idsConsumed = all.Length;
            charsWritten = text.Length;
            return OperationStatus.Done;
        }
        idsConsumed = 0;
        charsWritten = 0;
        for (var n = 1; n < all.Length; n++)
        {
            var prefix = Exact.Decode(all.AsSpan(0, n));
            if (prefix.Length > destination.Length)
            {
                break;
            }
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                idsConsumed = n;
                charsWritten = prefix.Length;
            }
        }
        text.AsSpan(0, charsWritten).CopyTo(destination);
        return OperationStatus.DestinationTooSmall;
    }

    private static bool IsPlain(Ml.EncodeSettings s) =>
        s.ConsiderNormalization && s.ConsiderPreTokenization && s.MaxTokenCount == int.MaxValue;

    /// <summary>The most leading tokens, at most <paramref name="max"/>, that end on a character boundary.</summary>
    private static int FittingCount(List<TokenSpan> spans, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max, "MaxTokenCount");
        var count = Math.Min(max, spans.Count);
        while (count > 0 && count < spans.Count && spans[count].Start < spans[count - 1].End)
        {
            count--;
        }
        return count;
    }

    private static int CharsConsumed(List<TokenSpan> spans, int count, int normalizedLength) =>
        count == spans.Count ? normalizedLength : count == 0 ? 0 : spans[count - 1].End;
}
