using Loader.Safetensors;

namespace ConvertTool.Tests;

/// <summary>
/// Test-only Hugging Face Llama forward pass in double precision over a converted checkpoint: rotate-half RoPE
/// (element i pairs with i + head_size/2), GQA, RMSNorm, SwiGLU. It is the consumer the conversion targets, so
/// agreement with llama2.c's logits proves names, layouts and the q/k permutation together.
/// </summary>
internal sealed class HfLlamaReference
{
    private readonly Func<string, float[]> _tensor;
    private readonly string _classifier;
    private readonly int _dim, _layers, _heads, _kvHeads, _headSize, _hidden, _vocab;
    private readonly double _eps, _theta;
    private readonly List<double[]>[] _keys, _values;

    public HfLlamaReference(SafetensorsFile file, int dim, int hidden, int layers, int heads, int kvHeads, int vocab, double eps = 1e-5, double theta = 10000)
    {
        var cache = new Dictionary<string, float[]>();
        _tensor = name => cache.TryGetValue(name, out var t) ? t : cache[name] = file.GetTensor(name).ToFloat32Array();
        (_dim, _hidden, _layers, _heads, _kvHeads, _vocab, _eps, _theta) = (dim, hidden, layers, heads, kvHeads, vocab, eps, theta);
        _headSize = dim / heads;
        _classifier = file.TryGetTensor("lm_head.weight", out _) ? "lm_head.weight" : "model.embed_tokens.weight";
        _keys = [.. Enumerable.Range(0, layers).Select(_ => new List<double[]>())];
        _values = [.. Enumerable.Range(0, layers).Select(_ => new List<double[]>())];
    }

    /// <summary>Feeds <paramref name="token"/> at the next position and returns the logits.</summary>
    public double[] Forward(int token)
    {
        var pos = _keys[0].Count;
        var x = _tensor("model.embed_tokens.weight").AsSpan(token * _dim, _dim).ToArray().Select(v => (double)v).ToArray();
        for (var l = 0; l < _layers; l++)
        {
            var p = $"model.layers.{l}.";
            var h = RmsNorm(x, _tensor(p + "input_layernorm.weight"));
            var q = Rope(MatVec(_tensor(p + "self_attn.q_proj.weight"), h, _heads * _headSize), _heads, pos);
            var k = Rope(MatVec(_tensor(p + "self_attn.k_proj.weight"), h, _kvHeads * _headSize), _kvHeads, pos);
            _keys[l].Add(k);
            _values[l].Add(MatVec(_tensor(p + "self_attn.v_proj.weight"), h, _kvHeads * _headSize));
            var attended = new double[_heads * _headSize];
            for (var j = 0; j < _heads; j++)
            {
                // Consecutive query heads share a KV head.
                var g = j / (_heads / _kvHeads);
                var scores = _keys[l].Select(key => Enumerable.Range(0, _headSize).Sum(i => q[(j * _headSize) + i] * key[(g * _headSize) + i]) / Math.Sqrt(_headSize)).ToArray();
                var max = scores.Max();
                var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                var total = weights.Sum();
                for (var t = 0; t < weights.Length; t++)
                {
                    for (var i = 0; i < _headSize; i++)
                    {
                        attended[(j * _headSize) + i] += weights[t] / total * _values[l][t][(g * _headSize) + i];
                    }
                }
            }
            Add(x, MatVec(_tensor(p + "self_attn.o_proj.weight"), attended, _dim));
            h = RmsNorm(x, _tensor(p + "post_attention_layernorm.weight"));
            var gate = MatVec(_tensor(p + "mlp.gate_proj.weight"), h, _hidden);
            var up = MatVec(_tensor(p + "mlp.up_proj.weight"), h, _hidden);
            var act = gate.Select((v, i) => v / (1 + Math.Exp(-v)) * up[i]).ToArray();
            Add(x, MatVec(_tensor(p + "mlp.down_proj.weight"), act, _dim));
        }
        return MatVec(_tensor(_classifier), RmsNorm(x, _tensor("model.norm.weight")), _vocab);
    }

    private static double[] MatVec(float[] w, double[] x, int rows)
    {
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < x.Length; c++)
            {
                y[r] += w[(r * x.Length) + c] * x[c];
            }
        }
        return y;
    }

    private double[] RmsNorm(double[] x, float[] weight)
    {
        var scale = 1 / Math.Sqrt((x.Sum(v => v * v) / x.Length) + _eps);
        return x.Select((v, i) => v * scale * weight[i]).ToArray();
    }

    /// <summary>Rotate-half RoPE: (v[i], v[i + hs/2]) rotated by pos · theta^(-2i/hs) in every head.</summary>
    private double[] Rope(double[] v, int heads, int pos)
    {
        var half = _headSize / 2;
        var result = (double[])v.Clone();
        for (var h = 0; h < heads; h++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = pos * Math.Pow(_theta, -2.0 * i / _headSize);
                var (a, b) = (v[(h * _headSize) + i], v[(h * _headSize) + i + half]);
                result[(h * _headSize) + i] = (a * Math.Cos(angle)) - (b * Math.Sin(angle));
                result[(h * _headSize) + i + half] = (b * Math.Cos(angle)) + (a * Math.Sin(angle));
            }
        }
        return result;
    }

    private static void Add(double[] x, double[] delta)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += delta[i];
        }
    }
}
