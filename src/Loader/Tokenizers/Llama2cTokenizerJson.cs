using System.Text;
using System.Text.Json;
using Loader.Llama2c;

namespace Loader.Tokenizers;

/// <summary>Converts a llama2.c <c>tokenizer.bin</c> into an equivalent Hugging Face tokenizer.json, so the one
/// runtime tokenizer serves both formats.</summary>
/// <remarks>
/// run.c encodes by (1) a dummy-prefix space unless the text is empty, (2) one piece per code point, or its UTF-8
/// bytes as <c>&lt;0xNN&gt;</c> pieces when the code point has none, (3) repeatedly merging the adjacent pair whose
/// concatenation is a piece with the highest score, leftmost on ties. That maps onto HF BPE as:
/// <list type="bullet">
/// <item>normalizer <c>Prepend(" ")</c> (HF skips it for empty text, like run.c), no pre-tokenizer (merges may
/// cross spaces), pieces kept with their literal spaces;</item>
/// <item><c>byte_fallback: true</c> with the file's own <c>&lt;0xNN&gt;</c> pieces;</item>
/// <item>a merge rule (a, b) for every way a piece c splits at a code-point boundary into two pieces, ranked by
/// c's score (descending, then c's id), so the lowest-rank applicable merge is run.c's best pair. Where two
/// applicable pairs tie on score (two different results with equal scores, or two different splits of the same
/// piece present at once), run.c takes the leftmost while HF takes the lower rank, so those rare cases can
/// differ; aidreams260K's merged pieces all have distinct scores;</item>
/// <item>ids 1 and 2 (BOS/EOS, pieces "\n&lt;s&gt;\n" and "\n&lt;/s&gt;\n") as special added tokens, and a
/// TemplateProcessing post-processor putting BOS first when <c>add_special_tokens</c>;</item>
/// <item>decoder: ByteFallback, Fuse, then drop the one space after a leading BOS or at the very start of the
/// text, as run.c drops the leading space of the piece that follows BOS. run.c additionally hides lone
/// non-printable bytes when printing; the decoder keeps them (as UTF-8 text, U+FFFD where invalid).</item>
/// </list></remarks>
public static class Llama2cTokenizerJson
{
    private const int BosId = 1;
    private const int EosId = 2;

    /// <summary>Builds tokenizer.json text from the bytes of a llama2.c tokenizer.bin holding
    /// <paramref name="vocabSize"/> pieces (the model header's vocab size).</summary>
    public static string Build(ReadOnlySpan<byte> tokenizerBin, int vocabSize)
    {
        var file = Llama2cTokenizerFile.Parse(tokenizerBin, vocabSize, "tokenizer.bin");
        if (vocabSize < 3)
        {
            throw new TokenizerFormatException($"tokenizer.bin: vocab_size {vocabSize} is too small for <unk>, BOS and EOS.");
        }
        var strict = new UTF8Encoding(false, true);
        var pieces = new string[vocabSize];
        for (var id = 0; id < vocabSize; id++)
        {
            try
            {
                pieces[id] = strict.GetString(file.Pieces[id]);
            }
            catch (DecoderFallbackException e)
            {
                throw new TokenizerFormatException($"tokenizer.bin: piece {id} is not valid UTF-8 and has no tokenizer.json form.", e);
            }
        }
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < vocabSize; id++)
        {
            // run.c's sorted lookup finds one of several equal pieces; keep the first id, as a JSON object can hold only one.
            vocab.TryAdd(pieces[id], id);
        }
        var merges = BuildMerges(file.Scores, vocab);

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            TokenizerJsonParts.WriteSpecialAddedToken(w, BosId, pieces[BosId]);
            TokenizerJsonParts.WriteSpecialAddedToken(w, EosId, pieces[EosId]);
            w.WriteEndArray();
            w.WriteStartObject("normalizer");
            w.WriteString("type", "Prepend");
            w.WriteString("prepend", " ");
            w.WriteEndObject();
            w.WriteNull("pre_tokenizer");
            WritePostProcessor(w, pieces[BosId]);
            WriteDecoder(w, pieces[BosId]);
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("dropout");
            w.WriteString("unk_token", pieces[0]);
            w.WriteNull("continuing_subword_prefix");
            w.WriteNull("end_of_word_suffix");
            w.WriteBoolean("fuse_unk", true);
            w.WriteBoolean("byte_fallback", true);
            w.WriteBoolean("ignore_merges", false);
            w.WriteStartObject("vocab");
            foreach (var (piece, id) in vocab.OrderBy(p => p.Value))
            {
                w.WriteNumber(piece, id);
            }
            w.WriteEndObject();
            w.WriteStartArray("merges");
            foreach (var (left, right) in merges)
            {
                w.WriteStartArray();
                w.WriteStringValue(left);
                w.WriteStringValue(right);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Every (left, right) pair of pieces whose concatenation is a piece, best result first.</summary>
    private static List<(string, string)> BuildMerges(IReadOnlyList<float> scores, Dictionary<string, int> vocab)
    {
        var rules = new List<(float Score, int Result, int Split, string Left, string Right)>();
        foreach (var (piece, id) in vocab)
        {
            for (var split = 1; split < piece.Length; split++)
            {
                if (char.IsLowSurrogate(piece[split]))
                {
                    continue;
                }
                var left = piece[..split];
                var right = piece[split..];
                if (vocab.ContainsKey(left) && vocab.ContainsKey(right))
                {
                    rules.Add((scores[id], id, split, left, right));
                }
            }
        }
        return [.. rules
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Result)
            .ThenBy(r => r.Split)
            .Select(r => (r.Left, r.Right))];
    }


    private static void WritePostProcessor(Utf8JsonWriter w, string bos)
    {
        w.WriteStartObject("post_processor");
        w.WriteString("type", "TemplateProcessing");
        w.WriteStartArray("single");
        WriteTemplatePiece(w, "SpecialToken", bos);
        WriteTemplatePiece(w, "Sequence", "A");
        w.WriteEndArray();
        w.WriteStartArray("pair");
        WriteTemplatePiece(w, "SpecialToken", bos);
        WriteTemplatePiece(w, "Sequence", "A");
        WriteTemplatePiece(w, "SpecialToken", bos);
        WriteTemplatePiece(w, "Sequence", "B");
        w.WriteEndArray();
        w.WriteStartObject("special_tokens");
        w.WriteStartObject(bos);
        w.WriteString("id", bos);
        w.WriteStartArray("ids");
        w.WriteNumberValue(BosId);
        w.WriteEndArray();
        w.WriteStartArray("tokens");
        w.WriteStringValue(bos);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteTemplatePiece(Utf8JsonWriter w, string kind, string id)
    {
        w.WriteStartObject();
        w.WriteStartObject(kind);
        w.WriteString("id", id);
        w.WriteNumber("type_id", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteDecoder(Utf8JsonWriter w, string bos)
    {
        w.WriteStartObject("decoder");
        w.WriteString("type", "Sequence");
        w.WriteStartArray("decoders");
        w.WriteStartObject();
        w.WriteString("type", "ByteFallback");
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "Fuse");
        w.WriteEndObject();
        // run.c drops one leading space of the piece after BOS: after a leading BOS (kept when not skipping
        // specials) or at the very start (BOS skipped). \A, not ^: Oniguruma's ^ also matches after newlines.
        WriteReplace(w, "String", bos + " ", bos);
        WriteReplace(w, "Regex", @"\A ", "");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteReplace(Utf8JsonWriter w, string kind, string pattern, string content)
    {
        w.WriteStartObject();
        w.WriteString("type", "Replace");
        w.WriteStartObject("pattern");
        w.WriteString(kind, pattern);
        w.WriteEndObject();
        w.WriteString("content", content);
        w.WriteEndObject();
    }
}
