using System.Text;
using Loader.Tokenizers;

namespace Engine.Tokenization;

/// <summary>A tokenizer.json normalizer: maps one text segment (between added tokens) to its normalized form.
/// Offsets are not tracked, so this is a plain string function.</summary>
internal abstract class Normalizer
{
    public abstract string Normalize(string text);

    public static Normalizer? Create(TokenizerComponentSpec? spec) => spec is null ? null : Build(spec);

    private static Normalizer Build(TokenizerComponentSpec spec) => spec.Type switch
    {
        "NFC" => new Unicode(NormalizationForm.FormC),
        "NFD" => new Unicode(NormalizationForm.FormD),
        "NFKC" => new Unicode(NormalizationForm.FormKC),
        "NFKD" => new Unicode(NormalizationForm.FormKD),
        "Lowercase" => new Lowercase(),
        "Strip" => new Strip(spec.GetBool("strip_left", true), spec.GetBool("strip_right", true)),
        "Prepend" => new Prepend(spec.GetString("prepend") ?? throw Missing(spec, "prepend")),
        "Replace" => new Replace(PatternOf(spec), spec.GetString("content") ?? throw Missing(spec, "content")),
        "Sequence" => new Sequence([.. spec.Children("normalizers").Select(Build)]),
        _ => throw new TokenizerFormatException(
            $"{spec.Source}: normalizer '{spec.Type}' is not supported (supported: NFC, NFD, NFKC, NFKD, Lowercase, Strip, Prepend, Replace, Sequence)."),
    };

    /// <summary>The <c>pattern</c> field of Replace and Split: <c>{"String": s}</c> or <c>{"Regex": r}</c>.</summary>
    public static SplitPattern PatternOf(TokenizerComponentSpec spec)
    {
        if (spec.Json.TryGetProperty("pattern", out var pattern))
        {
            if (pattern.TryGetProperty("String", out var literal) && literal.GetString() is { } s)
            {
                return SplitPattern.Literal(s);
            }
            if (pattern.TryGetProperty("Regex", out var regex) && regex.GetString() is { } r)
            {
                return SplitPattern.FromRegex(r, $"{spec.Source}: {spec.Kind} {spec.Type}");
            }
        }
        throw new TokenizerFormatException($"{spec.Source}: {spec.Kind} {spec.Type} needs a pattern {{\"String\": ...}} or {{\"Regex\": ...}}.");
    }

    private static TokenizerFormatException Missing(TokenizerComponentSpec spec, string field) =>
        new($"{spec.Source}: {spec.Kind} {spec.Type} has no string '{field}'.");

    private sealed class Unicode(NormalizationForm form) : Normalizer
    {
        public override string Normalize(string text) => UnicodeNormalizer.Normalize(text, form);
    }

    private sealed class Lowercase : Normalizer
    {
        // Rust's str::to_lowercase is the full Unicode mapping; .NET's invariant lowering is the simple mapping
        // (they differ only for U+0130 and word-final sigma).
        public override string Normalize(string text) => text.ToLowerInvariant();
    }

    private sealed class Strip(bool left, bool right) : Normalizer
    {
        public override string Normalize(string text)
        {
            var start = 0;
            var end = text.Length;
            while (left && start < end && UnicodeClass.IsWhiteSpace(text[start]))
            {
                start++;
            }
            while (right && end > start && UnicodeClass.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }
            return text[start..end];
        }
    }

    private sealed class Prepend(string prefix) : Normalizer
    {
        public override string Normalize(string text) => text.Length == 0 ? text : prefix + text;
    }

    private sealed class Replace(SplitPattern pattern, string content) : Normalizer
    {
        public override string Normalize(string text) => pattern.Replace(text, content);
    }

    private sealed class Sequence(Normalizer[] steps) : Normalizer
    {
        public override string Normalize(string text)
        {
            foreach (var step in steps)
            {
                text = step.Normalize(text);
            }
            return text;
        }
    }
}
