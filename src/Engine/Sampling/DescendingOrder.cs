namespace Engine.Sampling;

/// <summary>
/// The engine-wide ordering of §2 (value descending, equal values by ascending id) as 64-bit sort keys:
/// the high half is the value's bits flipped so that an ascending integer sort is a descending value
/// sort, the low half is the token id. Sorting a span of keys is primitive (no comparer, no allocation)
/// and deterministic. Bands let callers sort only the head of a large vocabulary: tokens with
/// <c>lo ≤ v &lt; hi</c> always rank below every token already collected with <c>v ≥ hi</c>, so
/// appending sorted bands yields exactly a prefix of the full order.
/// </summary>
internal static class DescendingOrder
{
    public static ulong Key(float value, int id)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        // Monotone map float → uint (ascending), then complement for descending.
        var ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return ((ulong)~ascending << 32) | (uint)id;
    }

    /// <summary>Key for an ascending order of non-negative values (typical-p's deviations).</summary>
    public static ulong AscendingKey(float value, int id) =>
        ((ulong)BitConverter.SingleToUInt32Bits(value) << 32) | (uint)id;

    public static int IdOf(ulong key) => (int)(uint)key;

    /// <summary>
    /// Appends the alive tokens (ℓ &gt; −∞) with <c>lo ≤ values[i] &lt; hi</c> to <c>keys[start..]</c>, sorts
    /// just that band (<paramref name="scratch"/>: the radix sort's second buffer, as long as the vocabulary), and
    /// returns the new count.
    /// </summary>
    public static int AppendBand(ReadOnlySpan<float> logits, ReadOnlySpan<float> values, float lo, float hi, Span<ulong> keys, int start, Span<ulong> scratch)
    {
        var count = start;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v >= lo && v < hi && logits[i] > float.NegativeInfinity)
            {
                keys[count++] = Key(v, i);
            }
        }
        KeyRadixSort.Sort(keys[start..count], scratch);
        return count;
    }

    /// <summary>All alive tokens in order; returns their count.</summary>
    public static int SortAll(ReadOnlySpan<float> logits, ReadOnlySpan<float> values, Span<ulong> keys, Span<ulong> scratch) =>
        AppendBand(logits, values, float.NegativeInfinity, float.PositiveInfinity, keys, 0, scratch);

    /// <summary>Next lower band bound for probabilities: a factor 2^−8 per band, then everything.</summary>
    /// <remarks>A non-finite bound ends the bands at once (a walk would otherwise never get below +∞).</remarks>
    public static float NextProbabilityBound(float lo) => lo > 1e-30f && float.IsFinite(lo) ? lo * (1f / 256f) : float.NegativeInfinity;
}
