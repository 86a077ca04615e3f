using System.Text.Json;

namespace Loader.Tokenizers;

/// <summary>A normalizer, pre-tokenizer, post-processor or decoder object of tokenizer.json, kept as its
/// <c>type</c> and its JSON (detached from the parsed document) so the runtime builds the component and reports
/// unknown ones with the file name.</summary>
/// <param name="Kind">Which slot it came from: "normalizer", "pre_tokenizer", "post_processor" or "decoder".</param>
/// <param name="Type">The <c>type</c> field, e.g. "ByteLevel", "Sequence".</param>
/// <param name="Json">The whole object.</param>
/// <param name="Source">The file it was read from, for error messages.</param>
public sealed record TokenizerComponentSpec(string Kind, string Type, JsonElement Json, string Source)
{
    /// <summary>A nested component list (Sequence's <c>normalizers</c>, <c>pretokenizers</c>, <c>processors</c>,
    /// <c>decoders</c>).</summary>
    public IReadOnlyList<TokenizerComponentSpec> Children(string field)
    {
        if (!Json.TryGetProperty(field, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerFormatException($"{Source}: {Kind} of type '{Type}' has no '{field}' array.");
        }
        return [.. list.EnumerateArray().Select(e => FromJson(Kind, e, Source))];
    }

    public static TokenizerComponentSpec FromJson(string kind, JsonElement json, string source)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("type", out var type)
            || type.ValueKind != JsonValueKind.String)
        {
            throw new TokenizerFormatException($"{source}: {kind} must be an object with a string 'type'.");
        }
        return new TokenizerComponentSpec(kind, type.GetString()!, json.Clone(), source);
    }

    public string? GetString(string field) =>
        Json.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public bool GetBool(string field, bool fallback) =>
        Json.TryGetProperty(field, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean() : fallback;

    public int GetInt(string field, int fallback) =>
        Json.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;
}
