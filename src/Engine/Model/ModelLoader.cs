using Loader.Config;
using Loader.Safetensors;

namespace Engine.Model;

/// <summary>
/// Adapts Loader's parsed files to the runtime: an <see cref="HfModelConfig"/> becomes a <see cref="ModelConfig"/>,
/// safetensors tensors become <see cref="Weights"/> (zero-copy views of the memory-mapped files, dtypes
/// F32/F16/BF16 kept as stored).
/// </summary>
public static class ModelLoader
{
    /// <summary>
    /// Maps HF config fields to the runtime blueprint. Eos ids are the union of config.json's and
    /// generation_config.json's (HF generate stops on the latter). Throws <see cref="NotSupportedException"/>
    /// naming the field for what the forward pass does not implement: an activation other than silu, o-projection
    /// or MLP biases. A sliding window shorter than the context caps the context at the window (so attention is
    /// exact: no sequence ever outgrows the window).
    /// </summary>
    public static ModelConfig ToModelConfig(HfModelConfig hf, GenerationConfig? generation, string name)
    {
        if (!string.Equals(hf.HiddenAct, "silu", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Model '{name}': hidden_act '{hf.HiddenAct}' is not supported (only silu).");
        }
        if (hf.OutputBias)
        {
            throw new NotSupportedException($"Model '{name}': attention_bias on o_proj is not supported.");
        }
        if (hf.MlpBias)
        {
            throw new NotSupportedException($"Model '{name}': mlp_bias is not supported.");
        }
        var maxContext = hf.MaxPositionEmbeddings;
        if (hf.SlidingWindow is { } window && window < maxContext && (hf.MaxWindowLayers ?? 0) < hf.NumHiddenLayers)
        {
            maxContext = window;
        }
        var config = new ModelConfig
        {
            Name = name,
            Architecture = hf.ModelType,
            Dim = hf.HiddenSize,
            HiddenDim = hf.IntermediateSize,
            NumLayers = hf.NumHiddenLayers,
            NumHeads = hf.NumAttentionHeads,
            NumKvHeads = hf.NumKeyValueHeads,
            HeadDim = hf.HeadDim,
            VocabSize = hf.VocabSize,
            NormEps = (float)hf.RmsNormEps,
            RopeTheta = hf.RopeTheta,
            RopeScaling = hf.RopeScaling is { } s ? new RopeScaling
            {
                Type = s.Type.ToString().ToLowerInvariant(),
                Factor = s.Factor,
                LowFreqFactor = s.LowFreqFactor ?? 1.0,
                HighFreqFactor = s.HighFreqFactor ?? 4.0,
                OriginalMaxPositionEmbeddings = s.OriginalMaxPositionEmbeddings,
                BetaFast = s.BetaFast ?? 32.0,
                BetaSlow = s.BetaSlow ?? 1.0,
                AttentionFactor = s.AttentionFactor,
            } : null,
            TieWordEmbeddings = hf.TieWordEmbeddings,
            QkvBias = hf.QkvBias,
            QkNorm = hf.QkNorm,
            MaxContext = maxContext,
            EosTokenIds = hf.EosTokenIds.Concat(generation?.EosTokenIds ?? []).Distinct().ToArray(),
            BosTokenId = hf.BosTokenId ?? generation?.BosTokenId,
        };
        config.Validate();
        return config;
    }

    /// <summary>
    /// Wraps every F32, F16 and BF16 tensor of <paramref name="checkpoint"/>. Tensors of other dtypes are left out
    /// (a required one is then reported missing by <see cref="LlamaWeights.Bind"/>, naming it). The checkpoint
    /// must stay open while the weights are used.
    /// </summary>
    public static unsafe Weights LoadWeights(SafetensorsCheckpoint checkpoint, string source)
    {
        var tensors = new List<WeightTensor>();
        foreach (var tensor in checkpoint.Tensors)
        {
            if (DTypeMapping.FromSafetensors(tensor.Dtype) is not { } dtype)
            {
                continue;
            }
            var shape = tensor.Shape.Select(d => d <= int.MaxValue
                ? (int)d
                : throw new InvalidDataException($"{tensor.FilePath}: tensor '{tensor.Name}' dimension {d} is too large.")).ToArray();
            var bytes = tensor.Bytes;
            fixed (byte* p = bytes)
            {
                var memory = new MappedTensorMemory(p, bytes.Length, checkpoint);
                tensors.Add(new WeightTensor(tensor.Name, dtype, shape, memory.Memory));
            }
        }
        return new Weights(tensors, source);
    }
}
