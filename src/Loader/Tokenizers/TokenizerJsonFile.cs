using System.Text.Json;

namespace Loader.Tokenizers;

/// <summary>A Hugging Face tokenizer.json parsed into records: the BPE model, the added tokens and the pipeline
/// components (kept as <see cref="TokenizerComponentSpec"/> for the runtime to build).</summary>
/// <remarks>Only the <c>BPE</c> model type is accepted; WordPiece, Unigram and WordLevel files fail here with a
/// message naming the model type and the file. Truncation and padding are ignored (the engine never pads).</remarks>
public sealed record TokenizerJsonFile(
    BpeModelFile Model,
    IReadOnlyList<AddedTokenEntry> AddedTokens,
    TokenizerComponentSpec? Normalizer,
    TokenizerComponentSpec? PreTokenizer,
    TokenizerComponentSpec? PostProcessor,
    TokenizerComponentSpec? Decoder,
    string Source)
{
    public static TokenizerJsonFile Read(string path) => Parse(File.ReadAllText(path), path);

    /// <param name="json">The file's text.</param>
    /// <param name="source">The file name used in error messages.</param>
    public static TokenizerJsonFile Parse(string json, string source = "tokenizer.json")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"{source}: not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model))
            {
                throw new TokenizerFormatException($"{source}: missing the 'model' object.");
            }
            return new TokenizerJsonFile(
                ParseModel(model, source),
                ParseAddedTokens(root, source),
                Component(root, "normalizer", source),
                Component(root, "pre_tokenizer", source),
                Component(root, "post_processor", source),
                Component(root, "decoder", source),
                source);
        }
    }

    private static TokenizerComponentSpec? Component(JsonElement root, string name, string source) =>
        root.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null
            ? TokenizerComponentSpec.FromJson(name, e, source)
            : null;

    private static BpeModelFile ParseModel(JsonElement model, string source)
    {
        // Old files may omit "type" for BPE; anything else named is unsupported.
        var type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "BPE";
        if (type != "BPE")
        {
            throw new TokenizerFormatException(
                $"{source}: model type '{type}' is not supported (only BPE; WordPiece, Unigram and WordLevel are not implemented).");
        }
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number
            && dropout.GetDouble() is > 0 and < 1)
        {
            throw new TokenizerFormatException($"{source}: BPE dropout {dropout.GetDouble()} is not supported (encoding must be deterministic).");
        }
        if (!model.TryGetProperty("vocab", out var vocabJson) || vocabJson.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException($"{source}: model.vocab must be an object of token → id.");
        }
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabJson.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new TokenizerFormatException($"{source}: model.vocab['{entry.Name}'] is not a non-negative integer id.");
            }
            vocab[entry.Name] = id;
        }
        return new BpeModelFile(
            vocab,
            ParseMerges(model, source),
            OptionalString(model, "unk_token"),
            OptionalString(model, "continuing_subword_prefix"),
            OptionalString(model, "end_of_word_suffix"),
            OptionalBool(model, "fuse_unk"),
            OptionalBool(model, "byte_fallback"),
            OptionalBool(model, "ignore_merges"));
    }

    private static List<(string, string)> ParseMerges(JsonElement model, string source)
    {
        var merges = new List<(string, string)>();
        if (!model.TryGetProperty("merges", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return merges;
        }
        var rank = 0;
        foreach (var merge in list.EnumerateArray())
        {
            if (merge.ValueKind == JsonValueKind.String)
            {
                // Legacy form "left right": split at the first space, as HF does.
                var line = merge.GetString()!;
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space < 0)
                {
                    throw new TokenizerFormatException($"{source}: model.merges[{rank}] \"{line}\" has no space separating the pair.");
                }
                merges.Add((line[..space], line[(space + 1)..]));
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                merges.Add((merge[0].GetString()!, merge[1].GetString()!));
            }
            else
            {
                throw new TokenizerFormatException($"{source}: model.merges[{rank}] is neither \"a b\" nor [\"a\", \"b\"].");
            }
            rank++;
        }
        return merges;
    }

    private static List<AddedTokenEntry> ParseAddedTokens(JsonElement root, string source)
    {
        var tokens = new List<AddedTokenEntry>();
        if (!root.TryGetProperty("added_tokens", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return tokens;
        }
        var index = 0;
        foreach (var token in list.EnumerateArray())
        {
            if (!token.TryGetProperty("id", out var id) || !id.TryGetInt32(out var idValue)
                || OptionalString(token, "content") is not { } content)
            {
                throw new TokenizerFormatException($"{source}: added_tokens[{index}] needs an integer 'id' and a string 'content'.");
            }
            tokens.Add(new AddedTokenEntry(
                idValue, content,
                OptionalBool(token, "single_word"), OptionalBool(token, "lstrip"), OptionalBool(token, "rstrip"),
                OptionalBool(token, "normalized", fallback: true), OptionalBool(token, "special")));
            index++;
        }
        return tokens;
    }

    private static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool OptionalBool(JsonElement e, string name, bool fallback = false) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;
}
