using System.Buffers;
using System.Text;
using System.Text.Json;
using Engine.Tokenization;
using Engine.Tokenization.Standard;
using Ml = Microsoft.ML.Tokenizers;

namespace Engine.Tests.Tokenization;

/// <summary>Our tokenizer through Microsoft.ML.Tokenizers' <see cref="Ml.Tokenizer"/> API, on every case of every
/// fixture family (HF tokenizers 0.22.2's ids, tokens and decodes).</summary>
public sealed class StandardTokenizerTests
{
    public static TheoryData<string> Names => [.. FixtureTokenizers.AllNames];

    private static Ml.Tokenizer Api(string name, bool addSpecialTokens) => new StandardTokenizer(FixtureTokenizers.Get(name), addSpecialTokens);

    [Theory]
    [MemberData(nameof(Names))]
    public void EncodeToIdsAndCountTokens_MatchHuggingFace(string name)
    {
        var failures = new StringBuilder();
        var cases = FixtureTokenizers.Cases(name);
        foreach (var c in cases)
        {
            var api = Api(name, c.AddSpecialTokens);
            var ids = api.EncodeToIds(c.Text);
            var count = api.CountTokens(c.Text);
            if (!ids.SequenceEqual(c.Ids) || count != c.Ids.Length)
            {
                failures.AppendLine($"line {c.Line}: expected {c.Ids.Length} ids [{string.Join(',', c.Ids.Take(20))}], got {count} / [{string.Join(',', ids.Take(20))}]");
            }
        }
        Assert.Equal(298, cases.Count);
        Assert.True(failures.Length == 0, $"{name}:\n{failures}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EncodeToTokens_GivesHuggingFaceTokens_WithOffsetsThatSpellTheText(string name)
    {
        var byteLevel = FixtureTokenizers.Get(name).IdToToken(FixtureTokenizers.Get(name).Encode(" a", false)[0])!.Contains('Ġ');
        var failures = new StringBuilder();
        foreach (var c in FixtureTokenizers.Cases(name))
        {
            var tokens = Api(name, c.AddSpecialTokens).EncodeToTokens(c.Text, out var normalizedText);
            var normalized = normalizedText ?? c.Text;
            if (!tokens.Select(t => t.Id).SequenceEqual(c.Ids))
            {
                failures.AppendLine($"line {c.Line}: ids differ");
                continue;
            }
            if (c.Tokens is not null && !tokens.Select(t => t.Value).SequenceEqual(c.Tokens))
            {
                failures.AppendLine($"line {c.Line}: tokens {JsonSerializer.Serialize(tokens.Select(t => t.Value))} != {JsonSerializer.Serialize(c.Tokens)}");
            }
            if (OffsetProblem(tokens, normalized, byteLevel) is { } problem)
            {
                failures.AppendLine($"line {c.Line} {JsonSerializer.Serialize(c.Text)}: {problem}");
            }
        }
        Assert.True(failures.Length == 0, $"{name}:\n{failures}");
    }

    [Fact]
    public void NormalizedTextIsNull_WhenTheTokenizerHasNoNormalizer()
    {
        var api = Api("llama3", addSpecialTokens: false);
        Assert.Null(api.Normalizer);
        Assert.NotNull(api.PreTokenizer);
        foreach (var c in FixtureTokenizers.Cases("llama3"))
        {
            api.EncodeToTokens(c.Text, out var normalized);
            Assert.Null(normalized);
        }
    }

    [Fact]
    public void NormalizerAndPreTokenizer_ExposeThePipeline()
    {
        // qwen3 normalizes to NFC: decomposed e + U+0301 becomes U+00E9.
        var qwen = Api("qwen3", addSpecialTokens: false);
        Assert.Equal("\u00E9", qwen.Normalizer!.Normalize("e\u0301"));
        // gemini's Replace normalizer turns spaces into U+2581; it has no pre-tokenizer.
        var gemini = Api("gemini", addSpecialTokens: false);
        Assert.Equal("a\u2581b", gemini.Normalizer!.Normalize("a b"));
        Assert.Null(gemini.PreTokenizer);
        // llama3's regex: "Hello", " world", "!!" and " 123" then "4" (digits in groups of up to three).
        var pieces = Api("llama3", false).PreTokenizer!.PreTokenize("Hello world!! 1234").ToArray();
        Assert.Equal([(0, 5), (5, 6), (11, 2), (13, 1), (14, 3), (17, 1)], pieces);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_MatchesHuggingFace(string name)
    {
        var api = Api(name, addSpecialTokens: false);
        var failures = new StringBuilder();
        foreach (var c in FixtureTokenizers.Cases(name))
        {
            if (api.Decode(c.Ids) != c.Decoded)
            {
                failures.AppendLine($"line {c.Line}: {JsonSerializer.Serialize(api.Decode(c.Ids))} != {JsonSerializer.Serialize(c.Decoded)}");
            }
            var buffer = new char[c.Decoded.Length];
            var status = api.Decode(c.Ids, buffer, out var consumed, out var written);
            if (status != OperationStatus.Done || consumed != c.Ids.Length || new string(buffer, 0, written) != c.Decoded)
            {
                failures.AppendLine($"line {c.Line}: span decode {status} {consumed}/{c.Ids.Length}");
            }
        }
        Assert.True(failures.Length == 0, $"{name}:\n{failures}");
    }

    [Fact]
    public void DecodeToSpan_StopsAtTheLongestPrefixThatFits()
    {
        var api = Api("llama3", addSpecialTokens: false);
        var ids = api.EncodeToIds("Hello world, again");
        var buffer = new char[8];
        var status = api.Decode(ids, buffer, out var consumed, out var written);
        Assert.Equal(OperationStatus.DestinationTooSmall, status);
        // "Hello" + " world" is 11 characters: only "Hello" fits in 8.
        Assert.Equal(1, consumed);
        Assert.Equal("Hello", new string(buffer, 0, written));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GetIndexByTokenCount_KeepsWholeTokensWithinTheLimit(string name)
    {
        var failures = new StringBuilder();
        foreach (var c in FixtureTokenizers.Cases(name).Where(c => c.Ids.Length > 0))
        {
            var api = Api(name, c.AddSpecialTokens);
            var tokens = api.EncodeToTokens(c.Text, out var normalizedText);
            var length = (normalizedText ?? c.Text).Length;
            foreach (var limit in new[] { 0, 1, c.Ids.Length / 2, c.Ids.Length - 1, c.Ids.Length, c.Ids.Length + 5 }.Where(l => l >= 0).Distinct())
            {
                var index = api.GetIndexByTokenCount(c.Text, limit, out _, out var count);
                // The first `count` tokens end at `index`, and the next one (if any) starts there: no character is split.
                var ok = count <= limit && count <= tokens.Count
                    && index == (count == tokens.Count ? length : count == 0 ? 0 : tokens[count - 1].Offset.End.Value)
                    && (count == tokens.Count || tokens[count].Offset.Start.Value >= index)
                    && (count == Math.Min(limit, tokens.Count) || count < tokens.Count);
                var fromEnd = api.GetIndexByTokenCountFromEnd(c.Text, limit, out _, out var endCount);
                ok &= endCount <= limit && fromEnd == (endCount == 0 ? length : tokens[^endCount].Offset.Start.Value)
                    && (endCount == tokens.Count || tokens[tokens.Count - endCount - 1].Offset.End.Value <= fromEnd);
                var truncated = api.EncodeToIds(c.Text, limit, out _, out var consumed);
                ok &= truncated.SequenceEqual(c.Ids.Take(count)) && consumed == index;
                if (!ok)
                {
                    failures.AppendLine($"line {c.Line} limit {limit}: index {index} count {count}, from end {fromEnd} count {endCount}");
                }
            }
        }
        Assert.True(failures.Length == 0, $"{name}:\n{failures}");
    }

    /// <summary>Tokens in order tile the normalized text; each run of tokens sharing characters spells exactly
    /// those characters' UTF-8 bytes.</summary>
    private static string? OffsetProblem(IReadOnlyList<Ml.EncodedToken> tokens, string normalized, bool byteLevel)
    {
        var position = 0;
        var i = 0;
        while (i < tokens.Count)
        {
            var t = tokens[i];
            var (start, end) = (t.Offset.Start.Value, t.Offset.End.Value);
            if (start == end)
            {
                // A template token (BOS) has an empty span at the start or the end and no text.
                if (start != 0 && start != normalized.Length)
                {
                    return $"empty span at {start}";
                }
                i++;
                continue;
            }
            if (start != position)
            {
                return $"token {i} starts at {start}, expected {position}";
            }
            var run = new List<byte>(Bytes(t.Value, byteLevel));
            var j = i + 1;
            while (j < tokens.Count && tokens[j].Offset.Start.Value < end)
            {
                run.AddRange(Bytes(tokens[j].Value, byteLevel));
                end = Math.Max(end, tokens[j].Offset.End.Value);
                j++;
            }
            var expected = Encoding.UTF8.GetBytes(normalized[start..end]);
            if (!run.SequenceEqual(expected))
            {
                return $"tokens {i}..{j - 1} spell {Convert.ToHexString([.. run])}, their span [{start},{end}) is {Convert.ToHexString(expected)}";
            }
            position = end;
            i = j;
        }
        return position == normalized.Length ? null : $"tokens end at {position} of {normalized.Length}";
    }

    private static byte[] Bytes(string token, bool byteLevel)
    {
        if (token is { Length: 6 } && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>')
        {
            return [Convert.ToByte(token.Substring(3, 2), 16)];
        }
        if (byteLevel && token.All(ch => ByteLevelAlphabet.ByteOf(ch) >= 0))
        {
            return [.. token.Select(ch => (byte)ByteLevelAlphabet.ByteOf(ch))];
        }
        return Encoding.UTF8.GetBytes(token);
    }
}
