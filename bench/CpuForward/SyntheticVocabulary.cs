using System.Globalization;
using System.Text.Json;
using Loader.Tokenizers;

namespace Bench.CpuForward;

/// <summary>
/// A SentencePiece-style tokenizer.json of any size for random-weight models: &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, the
/// 256 byte-fallback pieces, then filler pieces "▁t{id}" with no merges. The bench feeds token ids, so the
/// vocabulary only has to be valid for <c>convert gguf</c> and llama.cpp's loader.
/// </summary>
internal static class SyntheticVocabulary
{
    public static void Write(string directory, int vocabSize)
    {
        using var stream = File.Create(Path.Combine(directory, "tokenizer.json"));
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteString("version", "1.0");
        w.WriteStartArray("added_tokens");
        TokenizerJsonParts.WriteSpecialAddedToken(w, 1, "<s>");
        TokenizerJsonParts.WriteSpecialAddedToken(w, 2, "</s>");
        w.WriteEndArray();
        w.WriteStartObject("model");
        w.WriteString("type", "BPE");
        w.WriteString("unk_token", "<unk>");
        w.WriteBoolean("byte_fallback", true);
        w.WriteStartObject("vocab");
        w.WriteNumber("<unk>", 0);
        w.WriteNumber("<s>", 1);
        w.WriteNumber("</s>", 2);
        for (var b = 0; b < 256; b++)
        {
            w.WriteNumber(string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>"), 3 + b);
        }
        for (var id = 259; id < vocabSize; id++)
        {
            w.WriteNumber(string.Create(CultureInfo.InvariantCulture, $"\u2581t{id}"), id);
        }
        w.WriteEndObject();
        w.WriteStartArray("merges");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
