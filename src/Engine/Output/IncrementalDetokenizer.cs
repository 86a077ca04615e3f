using Engine.Tokenization;

namespace Engine.Output;

/// <summary>Turns a stream of token ids into text deltas whose concatenation equals
/// <c>Tokenizer.Decode(allIds, skipSpecialTokens)</c>.</summary>
public sealed class IncrementalDetokenizer
{
    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _ids = [];

    internal IncrementalDetokenizer(Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    public string Add(int tokenId)
    {
        _ids.Add(tokenId);
        return "";
    }

    public string Finish() => _tokenizer.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids), _skipSpecialTokens);
}
