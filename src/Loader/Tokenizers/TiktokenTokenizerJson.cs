using System.Text;
using System.Text.Json;

namespace Loader.Tokenizers;

/// <summary>A tiktoken vocabulary as an equivalent Hugging Face tokenizer.json (byte-level BPE), the conversion
/// transformers' <c>TikTokenConverter</c> makes: tokens in the byte-level alphabet, id = rank, a merge (a, b) for
/// every split of a token into two tokens, ordered by the merged token's rank (then the halves' ranks), so the
/// lowest-rank merge is tiktoken's lowest-rank pair; pre-tokenizer Split(regex, Isolated) then ByteLevel.</summary>
public static class TiktokenTokenizerJson
{
    public static string Build(IReadOnlyDictionary<int, byte[]> ranks, string pattern)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        var alphabet = ByteAlphabet();
        var vocab = new Dictionary<string, int>(ranks.Count, StringComparer.Ordinal);
        foreach (var (rank, bytes) in ranks)
        {
            var token = new string([.. bytes.Select(b => alphabet[b])]);
            if (!vocab.TryAdd(token, rank))
            {
                throw new TokenizerFormatException($"tiktoken: token bytes of rank {rank} repeat rank {vocab[token]}.");
            }
        }
        var merges = new List<(int Rank, int Left, int Right, string A, string B)>();
        var bySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var (token, rank) in vocab)
        {
            for (var split = 1; split < token.Length; split++)
            {
                if (bySpan.TryGetValue(token.AsSpan(0, split), out var a, out var left) && bySpan.TryGetValue(token.AsSpan(split), out var b, out var right))
                {
                    merges.Add((rank, left, right, a, b));
                }
            }
        }
        merges.Sort((x, y) => x.Rank != y.Rank ? x.Rank.CompareTo(y.Rank) : x.Left != y.Left ? x.Left.CompareTo(y.Left) : x.Right.CompareTo(y.Right));

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteStartArray("added_tokens");
            w.WriteEndArray();
            w.WriteNull("normalizer");
            w.WriteStartObject("pre_tokenizer");
            w.WriteString("type", "Sequence");
            w.WriteStartArray("pretokenizers");
            w.WriteStartObject();
            w.WriteString("type", "Split");
            w.WriteStartObject("pattern");
            w.WriteString("Regex", pattern);
            w.WriteEndObject();
            w.WriteString("behavior", "Isolated");
            w.WriteBoolean("invert", false);
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("type", "ByteLevel");
            w.WriteBoolean("add_prefix_space", false);
            w.WriteBoolean("trim_offsets", true);
            w.WriteBoolean("use_regex", false);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNull("post_processor");
            w.WriteStartObject("decoder");
            w.WriteString("type", "ByteLevel");
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteBoolean("ignore_merges", false);
            w.WriteStartObject("vocab");
            foreach (var (token, rank) in vocab.OrderBy(p => p.Value))
            {
                w.WriteNumber(token, rank);
            }
            w.WriteEndObject();
            w.WriteStartArray("merges");
            foreach (var m in merges)
            {
                w.WriteStartArray();
                w.WriteStringValue(m.A);
                w.WriteStringValue(m.B);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    // GPT-2's bytes_to_unicode (the engine's ByteLevelAlphabet; Loader cannot see Engine).
    private static char[] ByteAlphabet()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            map[b] = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF ? (char)b : (char)next++;
        }
        return map;
    }
}
