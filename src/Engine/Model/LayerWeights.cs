namespace Engine.Model;

/// <summary>The tensors of one decoder layer, by role. Optional members are null when the architecture lacks them.</summary>
public sealed record LayerWeights(
    WeightTensor AttentionNorm,   // (dim)
    WeightTensor Wq,              // (n_heads·head_dim, dim)
    WeightTensor Wk,              // (n_kv_heads·head_dim, dim)
    WeightTensor Wv,              // (n_kv_heads·head_dim, dim)
    WeightTensor Wo,              // (dim, n_heads·head_dim)
    WeightTensor? Bq,             // (n_heads·head_dim), Qwen2
    WeightTensor? Bk,             // (n_kv_heads·head_dim)
    WeightTensor? Bv,             // (n_kv_heads·head_dim)
    WeightTensor? QNorm,          // (head_dim), Qwen3
    WeightTensor? KNorm,          // (head_dim)
    WeightTensor FfnNorm,         // (dim)
    WeightTensor W1,              // gate (hidden, dim)
    WeightTensor W2,              // down (dim, hidden)
    WeightTensor W3);             // up (hidden, dim)
