using System.Globalization;
using Engine.Model;
using Loader.Safetensors;
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
        var weights = RandomWeights.Create(Config, seed);
        SafetensorsWriter.WriteFile(_dir.File("model.safetensors"), weights.Names.Select(n => weights.TryGet(n, out var t) ? t : throw new KeyNotFoundException(n)).Select(t =>
            (new SafetensorsTensorInfo(t.Name, SafetensorsDtype.F32, [.. t.Shape.Select(d => (long)d)]), t.Bytes)).ToList());
        System.IO.File.WriteAllText(_dir.File("config.json"), string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "architectures": ["LlamaForCausalLM"], "model_type": "llama",
              "hidden_size": {{Config.Dim}}, "intermediate_size": {{Config.HiddenDim}}, "num_hidden_layers": {{Config.NumLayers}},
              "num_attention_heads": {{Config.NumHeads}}, "num_key_value_heads": {{Config.NumKvHeads}}, "head_dim": {{Config.HeadDim}},
              "vocab_size": {{Config.VocabSize}}, "max_position_embeddings": {{Config.MaxContext}},
              "rms_norm_eps": 1e-05, "rope_theta": {{Config.RopeTheta}}, "hidden_act": "silu",
              "tie_word_embeddings": true, "bos_token_id": {{Config.BosTokenId}}, "eos_token_id": {{Config.EosTokenIds[0]}},
              "torch_dtype": "float32"
            }
            """));
        foreach (var name in new[] { "tokenizer.json", "tokenizer_config.json" })
        {
            System.IO.File.Copy(SharedFiles.PathOf("fixtures", "tokenizers", "llama3", name), _dir.File(name));
        }
    }

    public string Path => _dir.Path;

    public string File(string name) => _dir.File(name);

    public void Dispose() => _dir.Dispose();
}
