using System.Globalization;
using ConvertTool.Llama2c;
using Loader.Config;
using Loader.Safetensors;
using Loader.Tokenizers;

namespace ConvertTool.Gguf;

/// <summary>
/// <c>convert gguf</c>: writes a Hugging Face Llama/Mistral directory as one GGUF file that llama.cpp loads as
/// architecture <c>llama</c>: the <c>llama.*</c> hyper-parameters, the tokenizer (<see cref="GgufTokenizerMetadata"/>)
/// and the tensors under llama.cpp's names. q and k rows go back from HF's rotate-half order to the interleaved
/// pairs llama.cpp's <c>llama</c> RoPE rotates (<see cref="RotaryPermutation.ToInterleaved"/>), per query head for q
/// and per KV head for k, as llama.cpp's convert_hf_to_gguf.py does.
/// </summary>
public static class GgufConversion
{
    /// <summary>Converts; throws <see cref="ModelConfigException"/> for an architecture or setting llama.cpp's
    /// <c>llama</c> graph cannot express (biases, q/k norms, RoPE scaling other than linear), and the loader's
    /// exceptions for malformed files. Returns the number of tensors written.</summary>
    public static int Run(GgufConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Directory.Exists(options.InputDirectory))
        {
            throw new DirectoryNotFoundException($"input directory {options.InputDirectory} does not exist");
        }
        var configPath = Path.Combine(options.InputDirectory, "config.json");
        var config = HfModelConfig.Load(configPath);
        Check(config, configPath);
        var tokenizer = TokenizerJsonFile.Read(Path.Combine(options.InputDirectory, "tokenizer.json"));
        var tokenizerConfigPath = Path.Combine(options.InputDirectory, "tokenizer_config.json");
        var tokenizerConfig = File.Exists(tokenizerConfigPath) ? TokenizerConfigFile.Read(tokenizerConfigPath) : null;
        using var checkpoint = SafetensorsCheckpoint.Open(options.InputDirectory);

        var gguf = new GgufWriter();
        AddHyperParameters(gguf, config, options);
        GgufTokenizerMetadata.Add(gguf, tokenizer, tokenizerConfig, config);
        var count = 0;
        foreach (var (hfName, ggufName) in TensorNames(config))
        {
            if (!checkpoint.TryGetTensor(hfName, out var tensor))
            {
                if (hfName == "lm_head.weight")
                {
                    continue;   // tied: llama.cpp reuses token_embd.weight when output.weight is absent
                }
                throw new SafetensorsFormatException($"{options.InputDirectory}: tensor '{hfName}' is missing");
            }
            AddTensor(gguf, tensor, ggufName, config, options.Type);
            count++;
        }
        gguf.Write(options.OutputFile);
        return count;
    }

    private static void Check(HfModelConfig config, string path)
    {
        if (config.ModelType is not ("llama" or "mistral"))
        {
            throw new ModelConfigException(path, "model_type", $"'{config.ModelType}' is not exported to GGUF (only llama and mistral, as llama.cpp's 'llama' architecture)");
        }
        if (config.QkvBias || config.OutputBias || config.MlpBias)
        {
            throw new ModelConfigException(path, "attention_bias", "biases are not exported to GGUF (llama.cpp's llama graph has none)");
        }
        if (config.RopeScaling is { Type: not RopeScalingType.Linear })
        {
            throw new ModelConfigException(path, "rope_scaling", $"{config.RopeScaling.Type} RoPE scaling is not exported to GGUF (only linear)");
        }
        if (config.SlidingWindow is not null)
        {
            throw new ModelConfigException(path, "sliding_window", "a sliding window is not exported to GGUF");
        }
    }

    private static void AddHyperParameters(GgufWriter gguf, HfModelConfig config, GgufConversionOptions options)
    {
        const string a = "llama";
        gguf.Add("general.architecture", a);
        gguf.Add("general.name", Path.GetFileName(Path.GetFullPath(options.InputDirectory).TrimEnd('/')));
        gguf.Add("general.alignment", (uint)GgufWriter.Alignment);
        gguf.Add("general.file_type", options.Type switch
        {
            GgmlType.F32 => 0u,
            GgmlType.F16 => 1u,
            GgmlType.Q8_0 => 7u,
            _ => 32u,   // LLAMA_FTYPE_MOSTLY_BF16
        });
        gguf.Add($"{a}.vocab_size", (uint)config.VocabSize);
        gguf.Add($"{a}.context_length", (uint)config.MaxPositionEmbeddings);
        gguf.Add($"{a}.embedding_length", (uint)config.HiddenSize);
        gguf.Add($"{a}.block_count", (uint)config.NumHiddenLayers);
        gguf.Add($"{a}.feed_forward_length", (uint)config.IntermediateSize);
        gguf.Add($"{a}.attention.head_count", (uint)config.NumAttentionHeads);
        gguf.Add($"{a}.attention.head_count_kv", (uint)config.NumKeyValueHeads);
        gguf.Add($"{a}.attention.key_length", (uint)config.HeadDim);
        gguf.Add($"{a}.attention.value_length", (uint)config.HeadDim);
        gguf.Add($"{a}.attention.layer_norm_rms_epsilon", (float)config.RmsNormEps);
        gguf.Add($"{a}.rope.dimension_count", (uint)config.HeadDim);
        gguf.Add($"{a}.rope.freq_base", (float)config.RopeTheta);
        if (config.RopeScaling is { } scaling)
        {
            gguf.Add($"{a}.rope.scaling.type", "linear");
            gguf.Add($"{a}.rope.scaling.factor", (float)scaling.Factor);
        }
    }

    private static IEnumerable<(string Hf, string Gguf)> TensorNames(HfModelConfig config)
    {
        yield return ("model.embed_tokens.weight", "token_embd.weight");
        for (var l = 0; l < config.NumHiddenLayers; l++)
        {
            var hf = string.Create(CultureInfo.InvariantCulture, $"model.layers.{l}.");
            var g = string.Create(CultureInfo.InvariantCulture, $"blk.{l}.");
            yield return (hf + "input_layernorm.weight", g + "attn_norm.weight");
            yield return (hf + "self_attn.q_proj.weight", g + "attn_q.weight");
            yield return (hf + "self_attn.k_proj.weight", g + "attn_k.weight");
            yield return (hf + "self_attn.v_proj.weight", g + "attn_v.weight");
            yield return (hf + "self_attn.o_proj.weight", g + "attn_output.weight");
            yield return (hf + "post_attention_layernorm.weight", g + "ffn_norm.weight");
            yield return (hf + "mlp.gate_proj.weight", g + "ffn_gate.weight");
            yield return (hf + "mlp.up_proj.weight", g + "ffn_up.weight");
            yield return (hf + "mlp.down_proj.weight", g + "ffn_down.weight");
        }
        yield return ("model.norm.weight", "output_norm.weight");
        if (!config.TieWordEmbeddings)
        {
            yield return ("lm_head.weight", "output.weight");
        }
    }

    private static void AddTensor(GgufWriter gguf, SafetensorsTensor tensor, string name, HfModelConfig config, GgmlType type)
    {
        var shape = tensor.Shape;
        // norms stay F32 (llama.cpp computes them in F32); Q8_0 needs rows made of whole 32-value blocks
        var target = shape.Count == 1 ? GgmlType.F32
            : type == GgmlType.Q8_0 && shape[^1] % GgufTensorEncoding.Q8BlockSize != 0 ? GgmlType.F16
            : type;
        var heads = name.EndsWith("attn_q.weight", StringComparison.Ordinal) ? config.NumAttentionHeads
            : name.EndsWith("attn_k.weight", StringComparison.Ordinal) ? config.NumKeyValueHeads
            : 0;
        gguf.AddTensor(name, shape, target, destination =>
        {
            var values = tensor.ToFloat32Array();
            if (heads > 0)
            {
                var interleaved = new float[values.Length];
                RotaryPermutation.ToInterleaved(values, interleaved, heads, config.HeadDim, (int)shape[1]);
                values = interleaved;
            }
            GgufTensorEncoding.Encode(values, target, destination);
        });
    }
}
