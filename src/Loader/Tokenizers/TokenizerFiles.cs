using System.Text;
using System.Text.Json;

namespace Loader.Tokenizers;

/// <summary>Finds the tokenizer file of a model folder: tokenizer.json first (it wins over a tokenizer.model
/// beside it, as in transformers), then tokenizer.model, then a single <c>*.tiktoken</c> file.</summary>
public static class TokenizerFiles
{
    /// <summary>Whether <see cref="Locate"/> finds a tokenizer file in <paramref name="dir"/>.</summary>
    public static bool Exists(string dir) =>
        File.Exists(Path.Combine(dir, "tokenizer.json")) || File.Exists(Path.Combine(dir, "tokenizer.model"))
        || (Directory.Exists(dir) && Directory.GetFiles(dir, "*.tiktoken").Length == 1);

    public static (TokenizerFileKind Kind, string Path) Locate(string dir)
    {
        var json = Path.Combine(dir, "tokenizer.json");
        if (File.Exists(json))
        {
            return (ModelTypeOf(json) == "Unigram" ? TokenizerFileKind.UnigramTokenizerJson : TokenizerFileKind.TokenizerJson, json);
        }
        var model = Path.Combine(dir, "tokenizer.model");
        if (File.Exists(model))
        {
            return (IsTiktoken(model) ? TokenizerFileKind.Tiktoken : TokenizerFileKind.SentencePieceModel, model);
        }
        var tiktoken = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.tiktoken") : [];
        if (tiktoken.Length == 1)
        {
            return (TokenizerFileKind.Tiktoken, tiktoken[0]);
        }
        throw new FileNotFoundException(tiktoken.Length > 1
            ? $"{dir}: several *.tiktoken files ({string.Join(", ", tiktoken.Select(Path.GetFileName))}) and no tokenizer.json or tokenizer.model to choose."
            : $"No tokenizer in {dir}: expected tokenizer.json, tokenizer.model (SentencePiece or tiktoken) or a *.tiktoken file.", json);
    }

    /// <summary>The <c>model.type</c> of a tokenizer.json ("BPE" when absent, as old files omit it), found by a
    /// forward scan that skips every other value (the file is read again in full by whoever loads it).</summary>
    public static string ModelTypeOf(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new TokenizerFormatException($"{path}: the top level must be a JSON object.");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                reader.Read();
                if (!isModel || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isType = reader.ValueTextEquals("type"u8);
                    reader.Read();
                    if (isType && reader.TokenType == JsonTokenType.String)
                    {
                        return reader.GetString()!;
                    }
                    reader.Skip();
                }
                return "BPE";
            }
            return "BPE";
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>The <c>post_processor</c> of a tokenizer.json whose model our pipeline does not read (Unigram), or null.</summary>
    public static TokenizerComponentSpec? PostProcessorOf(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        return document.RootElement.TryGetProperty("post_processor", out var p) && p.ValueKind == JsonValueKind.Object
            ? TokenizerComponentSpec.FromJson("post_processor", p.Clone(), path)
            : null;
    }

    /// <summary>Whether the file's first line is "base64 rank" (tiktoken) rather than a protobuf message.</summary>
    public static bool IsTiktoken(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[256];
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var line = Encoding.ASCII.GetString(head, 0, n).Split('\n')[0].TrimEnd('\r');
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && space < line.Length - 1
               && line[..space].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')
               && line[(space + 1)..].All(char.IsAsciiDigit);
    }
}
