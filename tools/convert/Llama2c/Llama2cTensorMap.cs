using Loader.Llama2c;

namespace ConvertTool.Llama2c;

/// <summary>
/// Which llama2.c tensor (and layer) becomes which Hugging Face Llama tensor, with its HF shape
/// (<c>[out_features, in_features]</c> for projections) and whether its rows get the RoPE permutation.
/// </summary>
public static class Llama2cTensorMap
{
    /// <summary>One output tensor. <paramref name="PermuteHeads"/> is the head count for q/k rows, 0 for none.</summary>
    public sealed record Entry(string Name, long[] Shape, Llama2cTensorKind Kind, int Layer, int PermuteHeads);

    /// <summary>Every HF tensor for <paramref name="config"/>; <c>lm_head.weight</c> only when the classifier is not shared.</summary>
    public static IReadOnlyList<Entry> For(Llama2cConfig config)
    {
        long dim = config.Dim, hidden = config.HiddenDim, kvDim = config.KvDim, qDim = (long)config.NHeads * config.HeadSize;
        var entries = new List<Entry> { new("model.embed_tokens.weight", [config.VocabSize, dim], Llama2cTensorKind.TokenEmbedding, -1, 0) };
        for (var l = 0; l < config.NLayers; l++)
        {
            var prefix = $"model.layers.{l}.";
            entries.Add(new(prefix + "input_layernorm.weight", [dim], Llama2cTensorKind.RmsAtt, l, 0));
            entries.Add(new(prefix + "self_attn.q_proj.weight", [qDim, dim], Llama2cTensorKind.Wq, l, config.NHeads));
            entries.Add(new(prefix + "self_attn.k_proj.weight", [kvDim, dim], Llama2cTensorKind.Wk, l, config.NKvHeads));
            entries.Add(new(prefix + "self_attn.v_proj.weight", [kvDim, dim], Llama2cTensorKind.Wv, l, 0));
            entries.Add(new(prefix + "self_attn.o_proj.weight", [dim, qDim], Llama2cTensorKind.Wo, l, 0));
            entries.Add(new(prefix + "post_attention_layernorm.weight", [dim], Llama2cTensorKind.RmsFfn, l, 0));
            entries.Add(new(prefix + "mlp.gate_proj.weight", [hidden, dim], Llama2cTensorKind.W1, l, 0));
            entries.Add(new(prefix + "mlp.down_proj.weight", [dim, hidden], Llama2cTensorKind.W2, l, 0));
            entries.Add(new(prefix + "mlp.up_proj.weight", [hidden, dim], Llama2cTensorKind.W3, l, 0));
        }
        entries.Add(new("model.norm.weight", [dim], Llama2cTensorKind.RmsFinal, -1, 0));
        if (!config.SharedClassifier)
        {
            entries.Add(new("lm_head.weight", [config.VocabSize, dim], Llama2cTensorKind.Wcls, -1, 0));
        }
        return entries;
    }
}
