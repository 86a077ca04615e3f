using System.Runtime.InteropServices;
using Engine.Model;

namespace Engine.Tests.Model;

/// <summary>
/// TEST-ONLY reader of a llama2.c v0 checkpoint into HF-named weights, applying the per-head row permutation of
/// wq and wk (interleaved pairs → rotate-half) from shared/models/aidreams260K/README.md. It stands in until
/// Loader's llama2c converter lands on main; then the golden tests go through convert → safetensors → ModelLoader.
/// </summary>
internal static class Llama2cTestReader
{
    public static (ModelConfig Config, Weights Weights) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var header = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(0, 28));
        int dim = header[0], hidden = header[1], layers = header[2], heads = header[3], kvHeads = header[4], vocab = Math.Abs(header[5]), seqLen = header[6];
        var shared = header[5] > 0;
        var floats = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(28)).ToArray();
        var hs = dim / heads;
        var offset = 0;
        float[] Take(int n)
        {
            var t = floats.AsSpan(offset, n).ToArray();
            offset += n;
            return t;
        }

        var tensors = new List<WeightTensor>();
        var embedding = Take(vocab * dim);
        tensors.Add(WeightTensor.FromFloats("model.embed_tokens.weight", embedding, [vocab, dim]));
        var rmsAtt = Take(layers * dim);
        var wq = Take(layers * dim * dim);
        var wk = Take(layers * kvHeads * hs * dim);
        var wv = Take(layers * kvHeads * hs * dim);
        var wo = Take(layers * dim * dim);
        var rmsFfn = Take(layers * dim);
        var w1 = Take(layers * hidden * dim);
        var w2 = Take(layers * dim * hidden);
        var w3 = Take(layers * hidden * dim);
        var rmsFinal = Take(dim);
        offset += seqLen * hs; // freq_cis_real and freq_cis_imag, (seq_len, hs/2) each
        for (var l = 0; l < layers; l++)
        {
            var p = $"model.layers.{l}.";
            tensors.Add(WeightTensor.FromFloats(p + "input_layernorm.weight", rmsAtt.AsSpan(l * dim, dim), [dim]));
            tensors.Add(WeightTensor.FromFloats(p + "self_attn.q_proj.weight", Permute(wq.AsSpan(l * dim * dim, dim * dim), heads, hs, dim), [dim, dim]));
            tensors.Add(WeightTensor.FromFloats(p + "self_attn.k_proj.weight", Permute(wk.AsSpan(l * kvHeads * hs * dim, kvHeads * hs * dim), kvHeads, hs, dim), [kvHeads * hs, dim]));
            tensors.Add(WeightTensor.FromFloats(p + "self_attn.v_proj.weight", wv.AsSpan(l * kvHeads * hs * dim, kvHeads * hs * dim), [kvHeads * hs, dim]));
            tensors.Add(WeightTensor.FromFloats(p + "self_attn.o_proj.weight", wo.AsSpan(l * dim * dim, dim * dim), [dim, dim]));
            tensors.Add(WeightTensor.FromFloats(p + "post_attention_layernorm.weight", rmsFfn.AsSpan(l * dim, dim), [dim]));
            tensors.Add(WeightTensor.FromFloats(p + "mlp.gate_proj.weight", w1.AsSpan(l * hidden * dim, hidden * dim), [hidden, dim]));
            tensors.Add(WeightTensor.FromFloats(p + "mlp.down_proj.weight", w2.AsSpan(l * dim * hidden, dim * hidden), [dim, hidden]));
            tensors.Add(WeightTensor.FromFloats(p + "mlp.up_proj.weight", w3.AsSpan(l * hidden * dim, hidden * dim), [hidden, dim]));
        }
        tensors.Add(WeightTensor.FromFloats("model.norm.weight", rmsFinal, [dim]));
        if (!shared)
        {
            tensors.Add(WeightTensor.FromFloats("lm_head.weight", Take(vocab * dim), [vocab, dim]));
        }

        var config = new ModelConfig
        {
            Name = Path.GetFileNameWithoutExtension(path),
            Dim = dim,
            HiddenDim = hidden,
            NumLayers = layers,
            NumHeads = heads,
            NumKvHeads = kvHeads,
            HeadDim = hs,
            VocabSize = vocab,
            MaxContext = seqLen,
            NormEps = 1e-5f,
            RopeTheta = 10000,
            TieWordEmbeddings = shared,
            BosTokenId = 1,
            EosTokenIds = [2],
        };
        return (config, new Weights(tensors, path));
    }

    // hf_row[h·hs + r·(hs/2) + i] = llama2c_row[h·hs + 2i + r]
    private static float[] Permute(ReadOnlySpan<float> w, int heads, int hs, int cols)
    {
        var result = new float[w.Length];
        for (var h = 0; h < heads; h++)
        {
            for (var r = 0; r < 2; r++)
            {
                for (var i = 0; i < hs / 2; i++)
                {
                    w.Slice((h * hs + 2 * i + r) * cols, cols).CopyTo(result.AsSpan((h * hs + r * (hs / 2) + i) * cols, cols));
                }
            }
        }
        return result;
    }
}
