using Ml = Microsoft.ML.Tokenizers;

namespace Engine.Tokenization.Standard;

/// <summary>The tokenizer.json normalizer of a <see cref="Tokenizer"/> as ML.Tokenizers' <see cref="Ml.Normalizer"/>:
/// the whole string through the normalizer (added tokens are not cut out first, as <c>Encode</c> does).</summary>
public sealed class StandardNormalizer : Ml.Normalizer
{
    private readonly Tokenizer _tokenizer;

    internal StandardNormalizer(Tokenizer tokenizer) => _tokenizer = tokenizer;

    public override string Normalize(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        return _tokenizer.NormalizeText(original);
    }

    public override string Normalize(ReadOnlySpan<char> original) => _tokenizer.NormalizeText(original.ToString());
}
