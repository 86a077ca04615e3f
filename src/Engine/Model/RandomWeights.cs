namespace Engine.Model;

/// <summary>
/// Deterministic random weights for a <see cref="ModelConfig"/>, under HF names: matrices uniform in
/// ±1/sqrt(fan_in) (so activations keep unit scale through the layers), norm weights 1 ± 0.1, biases ±0.1.
/// Used by the built-in model, the benchmarks and the tests; the same seed gives the same bits on every run.
/// </summary>
public static class RandomWeights
{
    public static Weights Create(ModelConfig config, int seed, DType dtype = DType.F32)
    {
        var random = new Random(seed);
        var tensors = new List<WeightTensor>();
        int dim = config.Dim, qDim = config.QDim, kvDim = config.KvDim, hidden = config.HiddenDim;

        void Matrix(string name, int rows, int cols) => tensors.Add(Make(name, [rows, cols], 1.0 / Math.Sqrt(cols), 0));
        void Vector(string name, int n, double center, double spread) => tensors.Add(Make(name, [n], spread, center));
        WeightTensor Make(string name, int[] shape, double spread, double center)
        {
            var values = new float[shape.Aggregate(1, (a, b) => a * b)];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(center + (random.NextDouble() * 2 - 1) * spread);
            }
            return WeightTensor.FromFloats(name, values, shape, dtype);
        }

        // The embedding is scaled like a unit-variance row so the tied classifier's logits stay O(1..10).
        tensors.Add(Make("model.embed_tokens.weight", [config.VocabSize, dim], 1.0, 0));
        for (var l = 0; l < config.NumLayers; l++)
        {
            var p = $"model.layers.{l}.";
            Vector(p + "input_layernorm.weight", dim, 1, 0.1);
            Matrix(p + "self_attn.q_proj.weight", qDim, dim);
            Matrix(p + "self_attn.k_proj.weight", kvDim, dim);
            Matrix(p + "self_attn.v_proj.weight", kvDim, dim);
            Matrix(p + "self_attn.o_proj.weight", dim, qDim);
            if (config.QkvBias)
            {
                Vector(p + "self_attn.q_proj.bias", qDim, 0, 0.1);
                Vector(p + "self_attn.k_proj.bias", kvDim, 0, 0.1);
                Vector(p + "self_attn.v_proj.bias", kvDim, 0, 0.1);
            }
            if (config.QkNorm)
            {
                Vector(p + "self_attn.q_norm.weight", config.HeadDim, 1, 0.1);
                Vector(p + "self_attn.k_norm.weight", config.HeadDim, 1, 0.1);
            }
            Vector(p + "post_attention_layernorm.weight", dim, 1, 0.1);
            Matrix(p + "mlp.gate_proj.weight", hidden, dim);
            Matrix(p + "mlp.down_proj.weight", dim, hidden);
            Matrix(p + "mlp.up_proj.weight", hidden, dim);
        }
        Vector("model.norm.weight", dim, 1, 0.1);
        if (!config.TieWordEmbeddings)
        {
            Matrix("lm_head.weight", config.VocabSize, dim);
        }
        return new Weights(tensors, $"random weights (seed {seed})");
    }
}
