using System.Text.Json;

namespace Loader.Config;

/// <summary>
/// A model's <c>generation_config.json</c>: the defaults its authors ship. Every field is null when the file
/// does not set it (the engine then applies its own defaults; HF's implicit ones, like top_k 50, are not
/// invented here). <see cref="EosTokenIds"/> is a list even when the file holds one int.
/// </summary>
public sealed record GenerationConfig
{
    public static GenerationConfig Empty { get; } = new();

    public int? BosTokenId { get; init; }

    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public int? PadTokenId { get; init; }

    public bool? DoSample { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public double? MinP { get; init; }

    public double? RepetitionPenalty { get; init; }

    public int? MaxNewTokens { get; init; }

    public int? MaxLength { get; init; }

    /// <summary>
    /// Reads <c>generation_config.json</c> from <paramref name="directoryOrFile"/>; a directory without one gives
    /// <see cref="Empty"/>. Throws <see cref="ModelConfigException"/> for malformed JSON or mistyped fields.
    /// </summary>
    public static GenerationConfig Load(string directoryOrFile)
    {
        var path = Directory.Exists(directoryOrFile) ? Path.Combine(directoryOrFile, "generation_config.json") : directoryOrFile;
        return File.Exists(path) ? Parse(File.ReadAllText(path), path) : Empty;
    }

    /// <summary>Parses generation_config.json text; unknown fields are ignored.</summary>
    public static GenerationConfig Parse(string json, string source = "generation_config.json")
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelConfigException(source, null, "generation_config.json must hold a JSON object");
            }
            var f = new JsonFields(document.RootElement, source);
            return new GenerationConfig
            {
                BosTokenId = f.OptionalInt("bos_token_id"),
                EosTokenIds = f.IntOrIntList("eos_token_id"),
                PadTokenId = f.OptionalInt("pad_token_id"),
                DoSample = f.OptionalBool("do_sample"),
                Temperature = f.OptionalDouble("temperature"),
                TopP = f.OptionalDouble("top_p"),
                TopK = f.OptionalInt("top_k"),
                MinP = f.OptionalDouble("min_p"),
                RepetitionPenalty = f.OptionalDouble("repetition_penalty"),
                MaxNewTokens = f.OptionalInt("max_new_tokens"),
                MaxLength = f.OptionalInt("max_length"),
            };
        }
        catch (JsonException e)
        {
            throw new ModelConfigException(source, null, $"not valid JSON: {e.Message}", e);
        }
    }
}
