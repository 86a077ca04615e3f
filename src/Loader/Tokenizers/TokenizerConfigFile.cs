using System.Text.Json;

namespace Loader.Tokenizers;

/// <summary>The values of a transformers tokenizer_config.json that the engine needs: special token strings (an
/// object <c>{"content": ...}</c> is reduced to its content, <c>null</c> stays null) and the chat template(s).</summary>
/// <param name="ChatTemplate">The default template: the string form, or the entry named "default" of the list
/// form.</param>
/// <param name="NamedChatTemplates">Every template of the list form <c>[{"name", "template"}]</c> by name (empty
/// for the string form).</param>
/// <param name="AddBosToken">transformers' <c>add_bos_token</c> when present (informational: the post-processor of
/// tokenizer.json decides what encode adds).</param>
/// <param name="AddedTokens">The <c>added_tokens_decoder</c> entries (id → content and flags), in id order; a
/// tokenizer loaded from a file without added tokens of its own (SentencePiece, tiktoken) matches these.</param>
public sealed record TokenizerConfigFile(
    string? ChatTemplate,
    IReadOnlyDictionary<string, string> NamedChatTemplates,
    string? BosToken,
    string? EosToken,
    string? UnkToken,
    string? PadToken,
    IReadOnlyList<string> AdditionalSpecialTokens,
    bool? AddBosToken,
    bool? AddEosToken,
    bool? CleanUpTokenizationSpaces,
    IReadOnlyList<AddedTokenEntry> AddedTokens)
{
    public static TokenizerConfigFile Read(string path) => Parse(File.ReadAllText(path), path);

    public static TokenizerConfigFile Parse(string json, string source = "tokenizer_config.json")
    {
        using var document = ParseDocument(json, source);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException($"{source}: the top level must be a JSON object.");
        }
        var (template, named) = ParseChatTemplate(root, source);
        var additional = new List<string>();
        if (root.TryGetProperty("additional_special_tokens", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (TokenContent(item, "additional_special_tokens", source) is { } content)
                {
                    additional.Add(content);
                }
            }
        }
        return new TokenizerConfigFile(
            template, named,
            Token(root, "bos_token", source), Token(root, "eos_token", source),
            Token(root, "unk_token", source), Token(root, "pad_token", source),
            additional,
            Bool(root, "add_bos_token"), Bool(root, "add_eos_token"), Bool(root, "clean_up_tokenization_spaces"),
            AddedTokensDecoder(root, source));
    }

    private static List<AddedTokenEntry> AddedTokensDecoder(JsonElement root, string source)
    {
        var tokens = new List<AddedTokenEntry>();
        if (!root.TryGetProperty("added_tokens_decoder", out var map) || map.ValueKind == JsonValueKind.Null)
        {
            return tokens;
        }
        if (map.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException($"{source}: added_tokens_decoder must be an object of id → token.");
        }
        foreach (var entry in map.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                || entry.Value.ValueKind != JsonValueKind.Object
                || !entry.Value.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                throw new TokenizerFormatException($"{source}: added_tokens_decoder['{entry.Name}'] needs a non-negative integer key and a string 'content'.");
            }
            tokens.Add(new AddedTokenEntry(
                id, content.GetString()!,
                Bool(entry.Value, "single_word") ?? false, Bool(entry.Value, "lstrip") ?? false, Bool(entry.Value, "rstrip") ?? false,
                Bool(entry.Value, "normalized") ?? false, Bool(entry.Value, "special") ?? false));
        }
        tokens.Sort((a, b) => a.Id.CompareTo(b.Id));
        return tokens;
    }

    private static JsonDocument ParseDocument(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"{source}: not valid JSON ({e.Message}).", e);
        }
    }

    private static (string?, Dictionary<string, string>) ParseChatTemplate(JsonElement root, string source)
    {
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("chat_template", out var t) || t.ValueKind == JsonValueKind.Null)
        {
            return (null, named);
        }
        if (t.ValueKind == JsonValueKind.String)
        {
            return (t.GetString(), named);
        }
        if (t.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerFormatException($"{source}: chat_template must be a string or a list of {{name, template}}.");
        }
        foreach (var item in t.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("template", out var body) || body.ValueKind != JsonValueKind.String)
            {
                throw new TokenizerFormatException($"{source}: every chat_template entry needs string 'name' and 'template'.");
            }
            named[name.GetString()!] = body.GetString()!;
        }
        return (named.GetValueOrDefault("default"), named);
    }

    private static string? Token(JsonElement root, string name, string source) =>
        root.TryGetProperty(name, out var v) ? TokenContent(v, name, source) : null;

    private static string? TokenContent(JsonElement v, string name, string source) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Null => null,
        JsonValueKind.Object when v.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => throw new TokenizerFormatException($"{source}: '{name}' must be a string, null or an object with a string 'content'."),
    };

    private static bool? Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
}
