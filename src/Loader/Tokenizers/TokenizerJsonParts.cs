using System.Text.Json;

namespace Loader.Tokenizers;

/// <summary>Pieces of a tokenizer.json shared by the files we generate (the llama2.c conversion, the built-in model).</summary>
public static class TokenizerJsonParts
{
    /// <summary>One <c>added_tokens</c> entry: a special token matched verbatim (no strip, not normalized).</summary>
    public static void WriteSpecialAddedToken(Utf8JsonWriter w, int id, string content)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteString("content", content);
        w.WriteBoolean("single_word", false);
        w.WriteBoolean("lstrip", false);
        w.WriteBoolean("rstrip", false);
        w.WriteBoolean("normalized", false);
        w.WriteBoolean("special", true);
        w.WriteEndObject();
    }
}
