using System.Globalization;
using Engine.Model;
using Loader.Safetensors;

namespace Engine.Tests.Gguf;

/// <summary>
/// Writes in-memory <see cref="Weights"/> and their <see cref="ModelConfig"/> as a Hugging Face Llama directory
/// (model.safetensors in the tensors' own dtype, config.json), so a random model loads the way a downloaded one
/// does, in our engine and, through <c>convert gguf</c>, in llama.cpp. The tokenizer files are the caller's.
/// Linked into the bench (cpu-forward) too: one writer of random checkpoints.
/// </summary>
internal static class HfDirectoryWriter
{
    public static void Write(string directory, ModelConfig config, Weights weights)
    {
        Directory.CreateDirectory(directory);
        var tensors = weights.Names.Order(StringComparer.Ordinal)
            .Select(n => weights.TryGet(n, out var t) ? t : throw new KeyNotFoundException(n))
            .Select(t => (new SafetensorsTensorInfo(t.Name, DTypeMapping.ToSafetensors(t.DType), [.. t.Shape.Select(d => (long)d)]), t.Bytes))
            .ToList();
        SafetensorsWriter.WriteFile(Path.Combine(directory, "model.safetensors"), tensors);
        var dtype = weights.TryGet("model.embed_tokens.weight", out var embedding) ? embedding.DType : DType.F32;
        File.WriteAllText(Path.Combine(directory, "config.json"), string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "architectures": ["LlamaForCausalLM"], "model_type": "llama",
              "hidden_size": {{config.Dim}}, "intermediate_size": {{config.HiddenDim}}, "num_hidden_layers": {{config.NumLayers}},
              "num_attention_heads": {{config.NumHeads}}, "num_key_value_heads": {{config.NumKvHeads}}, "head_dim": {{config.HeadDim}},
              "vocab_size": {{config.VocabSize}}, "max_position_embeddings": {{config.MaxContext}},
              "rms_norm_eps": {{config.NormEps}}, "rope_theta": {{config.RopeTheta}}, "hidden_act": "silu",
              "tie_word_embeddings": {{(config.TieWordEmbeddings ? "true" : "false")}},
              "bos_token_id": {{config.BosTokenId ?? 1}}, "eos_token_id": {{(config.EosTokenIds.Count > 0 ? config.EosTokenIds[0] : 2)}},
              "torch_dtype": "{{dtype switch { DType.BF16 => "bfloat16", DType.F16 => "float16", _ => "float32" }}}"
            }
            """));
    }
}
