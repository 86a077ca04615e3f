using Engine.Model;
using Tests.Common;

namespace Engine.Tests.Gguf;

/// <summary>
/// A temporary Hugging Face directory holding a small random Llama with grouped-query attention (4 query heads
/// sharing 2 KV heads, head_dim 16, tied embeddings) over the real Llama 3 byte-level BPE vocabulary of
/// ../shared/fixtures/tokenizers/llama3 (tokenizer.json and tokenizer_config.json copied in at run time).
/// </summary>
internal sealed class RandomGqaModelDirectory : IDisposable
{
    public static readonly ModelConfig Config = new()
    {
        Name = "random-gqa",
        Architecture = "llama",
        Dim = 64,
        HiddenDim = 160,
        NumLayers = 2,
        NumHeads = 4,
        NumKvHeads = 2,
        HeadDim = 16,
        VocabSize = 128256,
        MaxContext = 256,
        NormEps = 1e-5f,
        RopeTheta = 500000,
        TieWordEmbeddings = true,
        BosTokenId = 128000,
        EosTokenIds = [128001],
    };

    private readonly TempDirectory _dir = new();

    public RandomGqaModelDirectory(int seed)
    {
        HfDirectoryWriter.Write(_dir.Path, Config, RandomWeights.Create(Config, seed));
        foreach (var name in new[] { "tokenizer.json", "tokenizer_config.json" })
        {
            System.IO.File.Copy(SharedFiles.PathOf("fixtures", "tokenizers", "llama3", name), _dir.File(name));
        }
    }

    public string Path => _dir.Path;

    public string File(string name) => _dir.File(name);

    public void Dispose() => _dir.Dispose();
}
