using System.Numerics.Tensors;

namespace Engine.Sampling;

/// <summary>Log-probabilities as §10 reports them: ranking, the −9999 stand-in for −∞, and raw mode.</summary>
public static class TokenLogprobs
{
    /// <summary>The JSON-safe stand-in for ln 0.</summary>
    public const float Removed = -9999f;

    /// <summary>ln p, or −9999 for p = 0.</summary>
    public static float Of(float probability) => probability > 0f ? MathF.Log(probability) : Removed;

    /// <summary>
    /// Fills <paramref name="destination"/> with the <c>min(destination.Length, V)</c> most likely tokens of
    /// <paramref name="probs"/>, by probability descending and equal values by ascending id (removed tokens
    /// rank last, by id, at −9999). Returns the number filled.
    /// </summary>
    public static int Top(ReadOnlySpan<float> probs, Span<TokenLogprob> destination, SamplerWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var k = Math.Min(destination.Length, probs.Length);
        if (k == 0)
        {
            return 0;
        }
        var keys = workspace.Keys.AsSpan();
        var hi = float.PositiveInfinity;
        var lo = probs[TensorPrimitives.IndexOfMax(probs)] * (1f / 256f);
        var count = 0;
        // Passing probs as the "alive" row includes zero-probability tokens in the last band.
        while (count < k)
        {
            count = DescendingOrder.AppendBand(probs, probs, lo, hi, keys, count, workspace.SortScratch);
            hi = lo;
            lo = DescendingOrder.NextProbabilityBound(lo);
            if (float.IsNegativeInfinity(hi))
            {
                break;
            }
        }
        for (var j = 0; j < k; j++)
        {
            var id = DescendingOrder.IdOf(keys[j]);
            destination[j] = new TokenLogprob(id, Of(probs[id]));
        }
        return k;
    }

    /// <summary>Raw mode (<c>logprobs_mode = raw</c>, and prompt logprobs): log_softmax of the unmodified logits.</summary>
    public static void LogSoftmax(ReadOnlySpan<float> logits, Span<float> destination)
    {
        var max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, destination);
        var sum = 0.0;
        foreach (var x in destination)
        {
            sum += Math.Exp(x);
        }
        TensorPrimitives.Subtract(destination, (float)Math.Log(sum), destination);
    }
}
