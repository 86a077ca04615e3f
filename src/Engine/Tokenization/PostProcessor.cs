using System.Text.Json;
using Loader.Tokenizers;

namespace Engine.Tokenization;

/// <summary>A tokenizer.json post-processor for single sequences: adds the template's special tokens when
/// <c>add_special_tokens</c> is set. ByteLevel only trims offsets, which we do not track, so it adds nothing.</summary>
internal sealed class PostProcessor
{
    private readonly int[] _prefix;
    private readonly int[] _suffix;

    private PostProcessor(int[] prefix, int[] suffix)
    {
        _prefix = prefix;
        _suffix = suffix;
    }

    public static PostProcessor Create(TokenizerComponentSpec? spec)
    {
        var prefix = new List<int>();
        var suffix = new List<int>();
        if (spec is not null)
        {
            Collect(spec, prefix, suffix);
        }
        return new PostProcessor([.. prefix], [.. suffix]);
    }

    /// <summary>The template tokens <see cref="Apply"/> puts before and after the sequence.</summary>
    public int[] Prefix => _prefix;

    public int[] Suffix => _suffix;

    public int PrefixLength => _prefix.Length;

    public int SuffixLength => _suffix.Length;

    public int[] Apply(List<int> ids, bool addSpecialTokens)
    {
        if (!addSpecialTokens || (_prefix.Length == 0 && _suffix.Length == 0))
        {
            return [.. ids];
        }
        return [.. _prefix, .. ids, .. _suffix];
    }

    private static void Collect(TokenizerComponentSpec spec, List<int> prefix, List<int> suffix)
    {
        switch (spec.Type)
        {
            case "ByteLevel":
                return;
            case "Sequence":
                foreach (var child in spec.Children("processors"))
                {
                    // Each template applies to the output of the previous step: prefixes nest outside-in.
                    var innerPrefix = new List<int>();
                    var innerSuffix = new List<int>();
                    Collect(child, innerPrefix, innerSuffix);
                    prefix.InsertRange(0, innerPrefix);
                    suffix.AddRange(innerSuffix);
                }
                return;
            case "TemplateProcessing":
                Template(spec, prefix, suffix);
                return;
            default:
                throw new TokenizerFormatException(
                    $"{spec.Source}: post_processor '{spec.Type}' is not supported (supported: TemplateProcessing, ByteLevel, Sequence).");
        }
    }

    private static void Template(TokenizerComponentSpec spec, List<int> prefix, List<int> suffix)
    {
        if (!spec.Json.TryGetProperty("single", out var single) || single.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerFormatException($"{spec.Source}: TemplateProcessing has no 'single' template.");
        }
        var specialTokens = spec.Json.TryGetProperty("special_tokens", out var st) ? st : default;
        var seenSequence = false;
        foreach (var piece in single.EnumerateArray())
        {
            if (piece.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
                continue;
            }
            if (!piece.TryGetProperty("SpecialToken", out var special) || !special.TryGetProperty("id", out var idJson))
            {
                throw new TokenizerFormatException($"{spec.Source}: TemplateProcessing piece {piece} is neither Sequence nor SpecialToken.");
            }
            var name = idJson.GetString()!;
            if (specialTokens.ValueKind != JsonValueKind.Object || !specialTokens.TryGetProperty(name, out var entry)
                || !entry.TryGetProperty("ids", out var ids))
            {
                throw new TokenizerFormatException($"{spec.Source}: TemplateProcessing uses special token '{name}' missing from special_tokens.");
            }
            foreach (var id in ids.EnumerateArray())
            {
                (seenSequence ? suffix : prefix).Add(id.GetInt32());
            }
        }
    }
}
