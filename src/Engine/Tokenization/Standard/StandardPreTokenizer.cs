using Ml = Microsoft.ML.Tokenizers;

namespace Engine.Tokenization.Standard;

/// <summary>The tokenizer.json pre-tokenizer of a <see cref="Tokenizer"/> as ML.Tokenizers'
/// <see cref="Ml.PreTokenizer"/>: the (offset, length) of each piece in the given (normalized) text. Pieces
/// tile the text, except where the pre-tokenizer adds characters (Metaspace's <c>▁</c>, ByteLevel's prefix
/// space): offsets then index the rewritten text.</summary>
public sealed class StandardPreTokenizer : Ml.PreTokenizer
{
    private readonly Tokenizer _tokenizer;

    internal StandardPreTokenizer(Tokenizer tokenizer) => _tokenizer = tokenizer;

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _tokenizer.PreTokenizeOffsets(text);
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => _tokenizer.PreTokenizeOffsets(text.ToString());
}
