using Engine.Model;

namespace Engine.Tests.Model;

/// <summary>
/// An independent, straightforward Llama forward pass for tests: plain loops, double precision, a contiguous
/// (non-paged) cache, one token at a time, and its own transcription of HF's rope frequency formulas
/// (default, linear, llama3). It shares only <see cref="ModelConfig"/> and the weight values with the engine.
/// </summary>
internal sealed class ReferenceLlama
{
    private readonly ModelConfig _c;
    private readonly Dictionary<string, double[]> _w;
    private readonly double[] _invFreq;
    private readonly List<double[][]> _keys = [];   // [layer][position] → kv_dim
    private readonly List<double[][]> _values = [];
    private readonly Func<double, double>? _cacheRounding;
    private int _position;

    /// <param name="cacheRounding">Rounds each cached key and value element (a bf16 or f16 KV cache); null: kept exact.</param>
    public ReferenceLlama(ModelConfig config, Weights weights, Func<double, double>? cacheRounding = null)
    {
        _c = config;
        _cacheRounding = cacheRounding;
        _w = weights.Names.ToDictionary(n => n, n => weights.Require(n, [.. GetShape(weights, n)]).ToFloats().Select(f => (double)f).ToArray());
        _invFreq = InvFreq(config);
        for (var l = 0; l < config.NumLayers; l++)
        {
            _keys.Add(new double[config.MaxContext][]);
            _values.Add(new double[config.MaxContext][]);
        }
    }

    private static IReadOnlyList<int> GetShape(Weights w, string n) => w.TryGet(n, out var t) ? t.Shape : [];

    /// <summary>Feeds <paramref name="token"/> at the next position and returns the logits.</summary>
    public double[] Step(int token)
    {
        var c = _c;
        int dim = c.Dim, hd = c.HeadDim, pos = _position++;
        var x = _w["model.embed_tokens.weight"].AsSpan(token * dim, dim).ToArray();
        for (var l = 0; l < c.NumLayers; l++)
        {
            var p = $"model.layers.{l}.";
            var h = Norm(x, _w[p + "input_layernorm.weight"]);
            var q = MatVec(p + "self_attn.q_proj", h, c.QDim);
            var k = MatVec(p + "self_attn.k_proj", h, c.KvDim);
            var v = MatVec(p + "self_attn.v_proj", h, c.KvDim);
            for (var head = 0; head < c.NumHeads; head++)
            {
                if (c.QkNorm)
                {
                    NormInPlace(q, head * hd, hd, _w[p + "self_attn.q_norm.weight"]);
                }
                Rotate(q, head * hd, pos);
            }
            for (var head = 0; head < c.NumKvHeads; head++)
            {
                if (c.QkNorm)
                {
                    NormInPlace(k, head * hd, hd, _w[p + "self_attn.k_norm.weight"]);
                }
                Rotate(k, head * hd, pos);
            }
            if (_cacheRounding is { } round)
            {
                for (var i = 0; i < k.Length; i++)
                {
                    k[i] = round(k[i]);
                    v[i] = round(v[i]);
                }
            }
            _keys[l][pos] = k;
            _values[l][pos] = v;

            var heads = new double[c.QDim];
            var group = c.NumHeads / c.NumKvHeads;
            for (var head = 0; head < c.NumHeads; head++)
            {
                var kvh = head / group;
                var scores = new double[pos + 1];
                for (var t = 0; t <= pos; t++)
                {
                    double s = 0;
                    for (var i = 0; i < hd; i++)
                    {
                        s += q[head * hd + i] * _keys[l][t][kvh * hd + i];
                    }
                    scores[t] = s / Math.Sqrt(hd);
                }
                var max = scores.Max();
                var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
                var sum = exp.Sum();
                for (var t = 0; t <= pos; t++)
                {
                    for (var i = 0; i < hd; i++)
                    {
                        heads[head * hd + i] += exp[t] / sum * _values[l][t][kvh * hd + i];
                    }
                }
            }
            var attn = MatVec(p + "self_attn.o_proj", heads, dim);
            for (var i = 0; i < dim; i++)
            {
                x[i] += attn[i];
            }

            h = Norm(x, _w[p + "post_attention_layernorm.weight"]);
            var gate = MatVec(p + "mlp.gate_proj", h, c.HiddenDim);
            var up = MatVec(p + "mlp.up_proj", h, c.HiddenDim);
            for (var i = 0; i < gate.Length; i++)
            {
                gate[i] = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
            }
            var down = MatVec(p + "mlp.down_proj", gate, dim);
            for (var i = 0; i < dim; i++)
            {
                x[i] += down[i];
            }
        }
        var final = Norm(x, _w["model.norm.weight"]);
        return MatVec(c.TieWordEmbeddings ? "model.embed_tokens" : "lm_head", final, c.VocabSize);
    }

    private double[] MatVec(string prefix, double[] input, int rows)
    {
        var w = _w[prefix + ".weight"];
        _w.TryGetValue(prefix + ".bias", out var bias);
        var cols = input.Length;
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            double s = bias?[r] ?? 0;
            for (var i = 0; i < cols; i++)
            {
                s += w[r * cols + i] * input[i];
            }
            y[r] = s;
        }
        return y;
    }

    private double[] Norm(double[] x, double[] weight)
    {
        var y = (double[])x.Clone();
        NormInPlace(y, 0, y.Length, weight);
        return y;
    }

    private void NormInPlace(double[] x, int offset, int n, double[] weight)
    {
        double ss = 0;
        for (var i = 0; i < n; i++)
        {
            ss += x[offset + i] * x[offset + i];
        }
        var scale = 1 / Math.Sqrt(ss / n + _c.NormEps);
        for (var i = 0; i < n; i++)
        {
            x[offset + i] = x[offset + i] * scale * weight[i];
        }
    }

    // rotate-half: element i pairs with i + hd/2
    private void Rotate(double[] v, int offset, int pos)
    {
        var half = _c.HeadDim / 2;
        for (var i = 0; i < half; i++)
        {
            var angle = pos * _invFreq[i];
            double a = v[offset + i], b = v[offset + half + i];
            v[offset + i] = a * Math.Cos(angle) - b * Math.Sin(angle);
            v[offset + half + i] = b * Math.Cos(angle) + a * Math.Sin(angle);
        }
    }

    // HF _compute_default_rope_parameters / _compute_linear_scaling / _compute_llama3_parameters, transcribed.
    private static double[] InvFreq(ModelConfig c)
    {
        var d = c.HeadDim;
        var inv = Enumerable.Range(0, d / 2).Select(i => 1.0 / Math.Pow(c.RopeTheta, 2.0 * i / d)).ToArray();
        var s = c.RopeScaling;
        if (s is null)
        {
            return inv;
        }
        if (s.Type == "linear")
        {
            return inv.Select(f => f / s.Factor).ToArray();
        }
        if (s.Type != "llama3")
        {
            throw new NotSupportedException(s.Type);
        }
        double old = s.OriginalMaxPositionEmbeddings!.Value;
        var lowWavelen = old / s.LowFreqFactor;
        var highWavelen = old / s.HighFreqFactor;
        return inv.Select(f =>
        {
            var wavelen = 2 * Math.PI / f;
            var scaled = wavelen > lowWavelen ? f / s.Factor : f;
            var smooth = (old / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
            var smoothed = (1 - smooth) * scaled / s.Factor + smooth * scaled;
            var medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
            return medium ? smoothed : scaled;
        }).ToArray();
    }
}
