using Loader.Safetensors;

namespace Engine.Model;

/// <summary>
/// Deterministic random weights for a <see cref="ModelConfig"/>, under HF names: matrices uniform in
/// ±1/sqrt(fan_in) (so activations keep unit scale through the layers), norm weights 1 ± 0.1, biases ±0.1.
/// Used by the built-in model, the benchmarks and the tests; the same seed gives the same bits on every run.
/// <see cref="Create"/> draws from one System.Random in tensor order (the tests' and results' bits);
/// <see cref="CreateParallel"/> hashes (seed, tensor, element) on every core, for checkpoints of real size
/// (an 8B model in seconds instead of minutes), the same bits whatever the thread count.
/// </summary>
public static class RandomWeights
{
    /// <summary>One tensor of the layout: uniform in center ± spread.</summary>
    private readonly record struct Spec(string Name, int[] Shape, double Spread, double Center)
    {
        public long Count => Shape.Aggregate(1L, (a, b) => a * b);
    }

    public static Weights Create(ModelConfig config, int seed, DType dtype = DType.F32)
    {
        var random = new Random(seed);
        var tensors = Layout(config).Select(spec =>
        {
            var values = new float[spec.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(spec.Center + (random.NextDouble() * 2 - 1) * spec.Spread);
            }
            return WeightTensor.FromFloats(spec.Name, values, spec.Shape, dtype);
        });
        return new Weights(tensors.ToList(), $"random weights (seed {seed})");
    }

    /// <summary>As <see cref="Create"/> (same names, shapes and ranges, other values), filled in parallel chunks straight into <paramref name="dtype"/>'s bytes.</summary>
    public static Weights CreateParallel(ModelConfig config, int seed, DType dtype = DType.BF16)
    {
        const int chunk = 1 << 20;
        var elementSize = WeightTensor.ElementSize(dtype);
        var target = DTypeMapping.ToSafetensors(dtype);
        var tensors = Layout(config).Select((spec, index) =>
        {
            var bytes = new byte[spec.Count * elementSize];
            var chunks = (int)((spec.Count + chunk - 1) / chunk);
            Parallel.For(0, chunks, () => new float[chunk], (c, _, values) =>
            {
                var start = (long)c * chunk;
                var count = (int)Math.Min(chunk, spec.Count - start);
                for (var i = 0; i < count; i++)
                {
                    var unit = (Mix(((ulong)(uint)seed << 40) ^ ((ulong)index << 48) ^ (ulong)(start + i)) >> 11) * (1.0 / (1UL << 53));
                    values[i] = (float)(spec.Center + ((unit * 2) - 1) * spec.Spread);
                }
                DtypeConversion.FromFloat32(values.AsSpan(0, count), target, bytes.AsSpan((int)(start * elementSize), count * elementSize), "(memory)", spec.Name);
                return values;
            }, _ => { });
            return new WeightTensor(spec.Name, dtype, spec.Shape, bytes);
        });
        return new Weights(tensors.ToList(), $"parallel random weights (seed {seed})");
    }

    // SplitMix64's finaliser: consecutive counters give independent-looking 64-bit values.
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // Every tensor of a checkpoint of this config, in the order Create draws them.
    private static IEnumerable<Spec> Layout(ModelConfig config)
    {
        int dim = config.Dim, qDim = config.QDim, kvDim = config.KvDim, hidden = config.HiddenDim;
        Spec Matrix(string name, int rows, int cols) => new(name, [rows, cols], 1.0 / Math.Sqrt(cols), 0);
        Spec Vector(string name, int n, double center, double spread) => new(name, [n], spread, center);

        // The embedding is scaled like a unit-variance row so the tied classifier's logits stay O(1..10).
        yield return new Spec("model.embed_tokens.weight", [config.VocabSize, dim], 1.0, 0);
        for (var l = 0; l < config.NumLayers; l++)
        {
            var p = $"model.layers.{l}.";
            yield return Vector(p + "input_layernorm.weight", dim, 1, 0.1);
            yield return Matrix(p + "self_attn.q_proj.weight", qDim, dim);
            yield return Matrix(p + "self_attn.k_proj.weight", kvDim, dim);
            yield return Matrix(p + "self_attn.v_proj.weight", kvDim, dim);
            yield return Matrix(p + "self_attn.o_proj.weight", dim, qDim);
            if (config.QkvBias)
            {
                yield return Vector(p + "self_attn.q_proj.bias", qDim, 0, 0.1);
                yield return Vector(p + "self_attn.k_proj.bias", kvDim, 0, 0.1);
                yield return Vector(p + "self_attn.v_proj.bias", kvDim, 0, 0.1);
            }
            if (config.QkNorm)
            {
                yield return Vector(p + "self_attn.q_norm.weight", config.HeadDim, 1, 0.1);
                yield return Vector(p + "self_attn.k_norm.weight", config.HeadDim, 1, 0.1);
            }
            yield return Vector(p + "post_attention_layernorm.weight", dim, 1, 0.1);
            yield return Matrix(p + "mlp.gate_proj.weight", hidden, dim);
            yield return Matrix(p + "mlp.down_proj.weight", dim, hidden);
            yield return Matrix(p + "mlp.up_proj.weight", hidden, dim);
        }
        yield return Vector("model.norm.weight", dim, 1, 0.1);
        if (!config.TieWordEmbeddings)
        {
            yield return Matrix("lm_head.weight", config.VocabSize, dim);
        }
    }
}
