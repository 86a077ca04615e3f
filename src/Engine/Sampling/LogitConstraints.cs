using System.Numerics;

namespace Engine.Sampling;

/// <summary>
/// Stages S0–S3 (§3.1, §3.7, §4): sanitising the model's row (NaN → −∞, +∞ → float.MaxValue, padded rows
/// removed), then <c>allowed_token_ids</c>, <c>logit_bias</c>, <c>bad_words</c>, the <c>min_tokens</c>
/// stop-set ban and <c>custom_token_bans</c>, in the order aph-0.6 runs them.
/// </summary>
internal static class LogitConstraints
{
    public static void Sanitise(Span<float> logits, int tokenizerVocabSize)
    {
        Saturate(logits);
        if (tokenizerVocabSize < logits.Length)
        {
            logits[tokenizerVocabSize..].Fill(float.NegativeInfinity);
        }
    }

    /// <summary>
    /// NaN → −∞ (removed), +∞ → float.MaxValue. Run on the model's row and again after every stage that does
    /// arithmetic on logits (bias, penalties, DRY, temperature, smoothing): extreme but finite parameters
    /// (repetition_penalty 1e−45, smoothing_curve 1e38) overflow there, and an infinity or NaN reaching the softmax
    /// would poison the whole distribution. Saturated, the overflowed tokens simply share the top of it.
    /// </summary>
    public static void Saturate(Span<float> logits)
    {
        var negInf = new Vector<float>(float.NegativeInfinity);
        var max = new Vector<float>(float.MaxValue);
        var i = 0;
        for (; i <= logits.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var l = new Vector<float>(logits[i..]);
            l = Vector.ConditionalSelect(Vector.Equals(l, l), l, negInf);
            Vector.Min(l, max).CopyTo(logits[i..]);
        }
        for (; i < logits.Length; i++)
        {
            var l = logits[i];
            logits[i] = float.IsNaN(l) ? float.NegativeInfinity : Math.Min(l, float.MaxValue);
        }
    }

    /// <summary>Every id not in <paramref name="allowed"/> is removed (§4.2); <paramref name="scratch"/> holds the kept values meanwhile.</summary>
    public static void KeepOnly(Span<float> logits, ReadOnlySpan<int> allowed, Span<float> scratch)
    {
        for (var k = 0; k < allowed.Length; k++)
        {
            scratch[k] = logits[allowed[k]];
        }
        logits.Fill(float.NegativeInfinity);
        for (var k = 0; k < allowed.Length; k++)
        {
            logits[allowed[k]] = scratch[k];
        }
    }

    /// <summary>ℓ_i ← ℓ_i + b_i with b already clamped to [−100, 100] (§4.3).</summary>
    public static void AddBias(Span<float> logits, ReadOnlySpan<int> ids, ReadOnlySpan<float> bias)
    {
        for (var k = 0; k < ids.Length; k++)
        {
            logits[ids[k]] += bias[k];
        }
    }

    /// <summary>§4.4: a one-token word is always removed; w_k is removed when the output ends with w_1 … w_(k−1).</summary>
    public static void BanWords(Span<float> logits, int[][] words, ReadOnlySpan<int> output)
    {
        foreach (var w in words)
        {
            var prefix = w.AsSpan(0, w.Length - 1);
            if (output.EndsWith(prefix))
            {
                logits[w[^1]] = float.NegativeInfinity;
            }
        }
    }

    public static void Remove(Span<float> logits, ReadOnlySpan<int> ids)
    {
        foreach (var id in ids)
        {
            logits[id] = float.NegativeInfinity;
        }
    }
}
