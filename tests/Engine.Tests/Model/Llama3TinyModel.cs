using Engine.Model;
using Engine.Tokenization;
using Tests.Common;

namespace Engine.Tests.Model;

/// <summary>
/// A tiny random-weight Llama over the real llama3 byte-level BPE tokenizer of ../shared/fixtures/tokenizers
/// (128,256 ids): its samples wander over the whole vocabulary, byte fragments of multi-byte characters included,
/// which is what the exact-text tests need from the byte-level family (aidreams260K is the SentencePiece one).
/// </summary>
internal static class Llama3TinyModel
{
    private static readonly Lazy<Tokenizer> LazyTokenizer = new(() => Tokenizer.FromDirectory(SharedFiles.PathOf("fixtures", "tokenizers", "llama3")));
    private static readonly Lazy<Weights> LazyWeights = new(() => RandomWeights.Create(Config, seed: 31));

    public static Tokenizer Tokenizer => LazyTokenizer.Value;

    public static ModelConfig Config => new()
    {
        Name = "llama3-tiny-random",
        Dim = 32,
        HiddenDim = 64,
        NumLayers = 1,
        NumHeads = 2,
        NumKvHeads = 2,
        HeadDim = 16,
        VocabSize = Tokenizer.VocabSize,
        // room for the seed examples' max_tokens = 1024 after their prompt
        MaxContext = 2048,
        NormEps = 1e-5f,
        TieWordEmbeddings = true,
        BosTokenId = Tokenizer.TokenToId("<|begin_of_text|>"),
        EosTokenIds = [Tokenizer.TokenToId("<|end_of_text|>")!.Value],
    };

    public static Weights Weights => LazyWeights.Value;
}
