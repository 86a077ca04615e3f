using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Engine.Tokenization;
using Loader.Llama2c;
using Loader.Tokenizers;

namespace Server.Cli;

/// <summary><c>engine tokenize</c>: encodes text with a model folder's tokenizer. With <c>--input cases.jsonl</c> it
/// reads JSON lines <c>{"text", "add_special_tokens"}</c> and writes one line per input with <c>ids</c>,
/// <c>decoded</c> and <c>decoded_skip_special</c> (the fields of the tokenizer fixtures); with a text argument it
/// prints ids and token strings for people.</summary>
public static class TokenizeCommand
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var tokenizerDir = new Option<string>("--tokenizer")
        {
            Description = "Folder with tokenizer.json, tokenizer.model or *.tiktoken (+ tokenizer_config.json), or a llama2.c folder with tokenizer.bin and model.bin.",
            Required = true,
        };
        var input = new Option<string?>("--input") { Description = "JSON-lines file of {\"text\", \"add_special_tokens\"}; writes JSON lines to stdout." };
        var noSpecial = new Option<bool>("--no-special-tokens") { Description = "Encode the text argument without the post-processor's special tokens." };
        var text = new Argument<string?>("text") { Description = "Text to encode and show.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("tokenize", "Encode text with a tokenizer and show or write the ids.") { tokenizerDir, input, noSpecial, text };
        command.SetAction(parse =>
        {
            var tokenizer = Load(parse.GetValue(tokenizerDir)!);
            if (parse.GetValue(input) is { } path)
            {
                using var reader = File.OpenText(path);
                RunBatch(tokenizer, reader, Console.Out);
                return 0;
            }
            if (parse.GetValue(text) is not { } value)
            {
                Console.Error.WriteLine("tokenize: give a text argument or --input FILE.");
                return 2;
            }
            Describe(tokenizer, value, !parse.GetValue(noSpecial), Console.Out);
            return 0;
        });
        return command;
    }

    /// <summary>The tokenizer of a model folder: tokenizer.json (or tokenizer.model / *.tiktoken, see
    /// <see cref="TokenizerFiles"/>), else llama2.c's tokenizer.bin converted with the vocab size from model.bin's header.</summary>
    public static Tokenizer Load(string dir)
    {
        if (TokenizerFiles.Exists(dir))
        {
            return Tokenizer.FromDirectory(dir);
        }
        var bin = Path.Combine(dir, "tokenizer.bin");
        var model = Path.Combine(dir, "model.bin");
        if (!File.Exists(bin) || !File.Exists(model))
        {
            throw new FileNotFoundException($"{dir} has neither tokenizer.json, tokenizer.model, a *.tiktoken file nor llama2.c's tokenizer.bin + model.bin.");
        }
        var header = new byte[Llama2cConfig.HeaderBytes];
        using (var stream = File.OpenRead(model))
        {
            stream.ReadExactly(header);
        }
        var config = Llama2cCheckpoint.ParseHeader(header, model);
        return Tokenizer.FromJson(Llama2cTokenizerJson.Build(File.ReadAllBytes(bin), config.VocabSize));
    }

    /// <summary>One output line per input line: <c>{"text", "add_special_tokens", "ids", "decoded",
    /// "decoded_skip_special"}</c>. A missing <c>add_special_tokens</c> means true (HF's default).</summary>
    public static void RunBatch(Tokenizer tokenizer, TextReader input, TextWriter output)
    {
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            string text;
            var addSpecial = true;
            using (var doc = JsonDocument.Parse(line))
            {
                if (!doc.RootElement.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"input line {lineNumber}: needs a string field 'text'.");
                }
                text = t.GetString()!;
                if (doc.RootElement.TryGetProperty("add_special_tokens", out var a) && a.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    addSpecial = a.GetBoolean();
                }
            }
            var ids = tokenizer.Encode(text, addSpecial);
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, WriterOptions))
            {
                w.WriteStartObject();
                w.WriteString("text", text);
                w.WriteBoolean("add_special_tokens", addSpecial);
                w.WriteStartArray("ids");
                foreach (var id in ids)
                {
                    w.WriteNumberValue(id);
                }
                w.WriteEndArray();
                w.WriteString("decoded", tokenizer.Decode(ids));
                w.WriteString("decoded_skip_special", tokenizer.Decode(ids, skipSpecialTokens: true));
                w.WriteEndObject();
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
    }

    /// <summary>Human-readable: the id count, then one line per token with its id, token string and decoded text.</summary>
    public static void Describe(Tokenizer tokenizer, string text, bool addSpecialTokens, TextWriter output)
    {
        var ids = tokenizer.Encode(text, addSpecialTokens);
        output.WriteLine($"{ids.Length} tokens: [{string.Join(", ", ids)}]");
        foreach (var id in ids)
        {
            var piece = JsonSerializer.Serialize(tokenizer.IdToToken(id) ?? "", new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var decoded = JsonSerializer.Serialize(tokenizer.Decode([id]), new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            output.WriteLine($"{id,8}  {piece,-24} {decoded}{(tokenizer.IsSpecial(id) ? "  (special)" : "")}");
        }
    }
}
