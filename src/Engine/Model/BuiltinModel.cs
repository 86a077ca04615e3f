using Engine.Tokenization;

namespace Engine.Model;

/// <summary>
/// The model used when none is given: a small Llama (dim 128, 4 layers, GQA 4/2 heads, 512 context) with
/// deterministic RANDOM weights (fixed seed) over a byte-level vocabulary: ids 0–255 are the bytes, 256 is BOS
/// and 257 EOS. It exists so the CLI and the server run out of the box; its output is noise, and it says so.
/// </summary>
public static class BuiltinModel
{
    public const string Name = "builtin-random-tiny";
    public const int BosTokenId = 256;
    public const int EosTokenId = 257;
    private const int Seed = 20240607;

    public static ModelConfig Config { get; } = new()
    {
        Name = Name,
        Architecture = "llama",
        Dim = 128,
        HiddenDim = 352,
        NumLayers = 4,
        NumHeads = 4,
        NumKvHeads = 2,
        HeadDim = 32,
        VocabSize = 258,
        MaxContext = 512,
        NormEps = 1e-5f,
        RopeTheta = 10000,
        // untied: a random classifier gives logits of order 1, so temperature sampling has something to sample
        TieWordEmbeddings = false,
        BosTokenId = BosTokenId,
        EosTokenIds = [EosTokenId],
    };

    /// <summary>A line for logs and CLI banners, stating that the weights are random.</summary>
    public const string Notice = "using the built-in model 'builtin-random-tiny': its weights are RANDOM (fixed seed), so its output is noise; pass --model DIR for a real model";

    public static Weights CreateWeights() => RandomWeights.Create(Config, Seed);

    /// <summary>The byte-level tokenizer (ids 0–255 = bytes, BOS prepended), from <see cref="BuiltinTokenizerJson"/>.</summary>
    public static Tokenizer CreateTokenizer() => Tokenizer.FromJson(BuiltinTokenizerJson.Create(), BuiltinTokenizerJson.CreateConfig());
}
