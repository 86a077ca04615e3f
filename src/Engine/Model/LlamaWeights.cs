namespace Engine.Model;

/// <summary>
/// The tensors of a Llama-family model by role, bound from HF names and checked against a <see cref="ModelConfig"/>.
/// </summary>
public sealed record LlamaWeights(
    WeightTensor TokenEmbedding,  // (vocab, dim)
    IReadOnlyList<LayerWeights> Layers,
    WeightTensor FinalNorm,       // (dim)
    WeightTensor Classifier)      // (vocab, dim); the embedding itself when tied
{
    /// <summary>
    /// Binds HF-named tensors to roles. Throws <see cref="InvalidDataException"/> naming the tensor when one is
    /// missing or mis-shaped. An untied model without <c>lm_head.weight</c> is an error; a tied one ignores it.
    /// </summary>
    public static LlamaWeights Bind(ModelConfig config, Weights weights)
    {
        config.Validate();
        int dim = config.Dim, qDim = config.QDim, kvDim = config.KvDim, hidden = config.HiddenDim;
        var embedding = weights.Require("model.embed_tokens.weight", config.VocabSize, dim);
        var layers = new LayerWeights[config.NumLayers];
        for (var l = 0; l < layers.Length; l++)
        {
            var p = $"model.layers.{l}.";
            layers[l] = new LayerWeights(
                AttentionNorm: weights.Require(p + "input_layernorm.weight", dim),
                Wq: weights.Require(p + "self_attn.q_proj.weight", qDim, dim),
                Wk: weights.Require(p + "self_attn.k_proj.weight", kvDim, dim),
                Wv: weights.Require(p + "self_attn.v_proj.weight", kvDim, dim),
                Wo: weights.Require(p + "self_attn.o_proj.weight", dim, qDim),
                Bq: config.QkvBias ? weights.Require(p + "self_attn.q_proj.bias", qDim) : null,
                Bk: config.QkvBias ? weights.Require(p + "self_attn.k_proj.bias", kvDim) : null,
                Bv: config.QkvBias ? weights.Require(p + "self_attn.v_proj.bias", kvDim) : null,
                QNorm: config.QkNorm ? weights.Require(p + "self_attn.q_norm.weight", config.HeadDim) : null,
                KNorm: config.QkNorm ? weights.Require(p + "self_attn.k_norm.weight", config.HeadDim) : null,
                FfnNorm: weights.Require(p + "post_attention_layernorm.weight", dim),
                W1: weights.Require(p + "mlp.gate_proj.weight", hidden, dim),
                W2: weights.Require(p + "mlp.down_proj.weight", dim, hidden),
                W3: weights.Require(p + "mlp.up_proj.weight", hidden, dim));
        }
        var finalNorm = weights.Require("model.norm.weight", dim);
        var classifier = config.TieWordEmbeddings ? embedding : weights.Require("lm_head.weight", config.VocabSize, dim);
        return new LlamaWeights(embedding, layers, finalNorm, classifier);
    }
}
