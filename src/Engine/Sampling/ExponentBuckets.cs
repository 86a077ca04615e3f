namespace Engine.Sampling;

/// <summary>
/// Groups probabilities by their float32 exponent: bucket e holds p ∈ [2^(e−127), 2^(e−126)), so walking
/// buckets from high to low walks the descending order a factor of two at a time. A cumulative walk
/// (top-p, the categorical draw) adds whole buckets it cannot stop inside and sorts only the bucket where
/// the running mass crosses its threshold: one or two passes over the vocabulary instead of a full sort.
/// A bucket is skipped only when the crossing is farther than <see cref="Margin"/> from its edge, so the
/// result is the full sort's result unless the threshold lies within ~1e−9 of a cumulative boundary,
/// where the two differ only by double rounding.
/// </summary>
internal static class ExponentBuckets
{
    public const int Count = 256;

    /// <summary>Absolute slack on cumulative mass (≤ 1) for skipping a bucket; far above double rounding over 10^6 terms.</summary>
    public const double Margin = 1e-9;

    public static int Of(float probability) => (int)(BitConverter.SingleToUInt32Bits(probability) >> 23);

    /// <summary>Lowest probability of bucket <paramref name="bucket"/>.</summary>
    public static float LowerBound(int bucket) => BitConverter.UInt32BitsToSingle((uint)bucket << 23);

    /// <summary>Sums the alive tokens' probabilities per bucket (in id order).</summary>
    public static void Accumulate(ReadOnlySpan<float> logits, ReadOnlySpan<float> probs, Span<double> mass)
    {
        mass.Clear();
        for (var i = 0; i < probs.Length; i++)
        {
            if (logits[i] > float.NegativeInfinity)
            {
                var p = probs[i];
                mass[Of(p)] += p;
            }
        }
    }

    /// <summary>The alive tokens of one bucket, sorted in the §2 order; returns their count.</summary>
    public static int Collect(ReadOnlySpan<float> logits, ReadOnlySpan<float> probs, int bucket, Span<ulong> keys, Span<ulong> scratch)
    {
        var n = 0;
        for (var i = 0; i < probs.Length; i++)
        {
            if (logits[i] > float.NegativeInfinity && Of(probs[i]) == bucket)
            {
                keys[n++] = DescendingOrder.Key(probs[i], i);
            }
        }
        KeyRadixSort.Sort(keys[..n], scratch);
        return n;
    }
}
