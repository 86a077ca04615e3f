using System.Text;
using System.Text.Json;
using Loader.Tokenizers;

namespace Engine.Model;

/// <summary>
/// The built-in model's tokenizer as an HF <c>tokenizer.json</c>, generated in memory: a byte-level BPE with the
/// 256 byte tokens (id = byte value, spelled with GPT-2's byte-to-unicode alphabet), no merges, no regex split,
/// and the specials <c>&lt;s&gt;</c> (256, prepended by the post-processor) and <c>&lt;/s&gt;</c> (257).
/// </summary>
public static class BuiltinTokenizerJson
{
    public static string Create()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteStartArray("added_tokens");
            TokenizerJsonParts.WriteSpecialAddedToken(w, BuiltinModel.BosTokenId, "<s>");
            TokenizerJsonParts.WriteSpecialAddedToken(w, BuiltinModel.EosTokenId, "</s>");
            w.WriteEndArray();
            w.WriteNull("normalizer");

            w.WriteStartObject("pre_tokenizer");
            w.WriteString("type", "ByteLevel");
            w.WriteBoolean("add_prefix_space", false);
            w.WriteBoolean("trim_offsets", true);
            w.WriteBoolean("use_regex", false);
            w.WriteEndObject();

            // single: <s> $A ; pair: <s> $A <s> $B
            w.WriteStartObject("post_processor");
            w.WriteString("type", "TemplateProcessing");
            w.WriteStartArray("single");
            Special(w);
            Sequence(w, "A");
            w.WriteEndArray();
            w.WriteStartArray("pair");
            Special(w);
            Sequence(w, "A");
            Special(w);
            Sequence(w, "B");
            w.WriteEndArray();
            w.WriteStartObject("special_tokens");
            w.WriteStartObject("<s>");
            w.WriteString("id", "<s>");
            w.WriteStartArray("ids");
            w.WriteNumberValue(BuiltinModel.BosTokenId);
            w.WriteEndArray();
            w.WriteStartArray("tokens");
            w.WriteStringValue("<s>");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartObject("decoder");
            w.WriteString("type", "ByteLevel");
            w.WriteBoolean("add_prefix_space", false);
            w.WriteBoolean("trim_offsets", true);
            w.WriteBoolean("use_regex", false);
            w.WriteEndObject();

            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("dropout");
            w.WriteNull("unk_token");
            w.WriteBoolean("fuse_unk", false);
            w.WriteBoolean("byte_fallback", false);
            w.WriteStartObject("vocab");
            var alphabet = Tokenization.ByteLevelAlphabet.ByteToChar;
            for (var b = 0; b < 256; b++)
            {
                w.WriteNumber(alphabet[b].ToString(), b);
            }
            w.WriteEndObject();
            w.WriteStartArray("merges");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A minimal role-tagged chat template, so <c>/v1/chat/completions</c> works on the built-in model out of
    /// the box; each message ends with EOS, the model's stop token.</summary>
    public const string ChatTemplate =
        "{{ bos_token }}{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}{{ eos_token }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

    /// <summary><c>tokenizer_config.json</c> naming the specials, with <see cref="ChatTemplate"/>.</summary>
    public static string CreateConfig() =>
        """{"bos_token":"<s>","eos_token":"</s>","add_bos_token":false,"add_eos_token":false,"model_max_length":512,"chat_template":"""
        + JsonSerializer.Serialize(ChatTemplate) + "}";

    private static void Special(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartObject("SpecialToken");
        w.WriteString("id", "<s>");
        w.WriteNumber("type_id", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Sequence(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteStartObject("Sequence");
        w.WriteString("id", id);
        w.WriteNumber("type_id", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
