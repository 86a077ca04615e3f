namespace Engine.Sampling;

/// <summary>
/// Sorts <see cref="DescendingOrder"/> keys ascending in O(n): a stable least-significant-digit radix sort on the
/// value half only (four 8-bit digits). Every caller collects keys by scanning token ids upwards, so on entry the id
/// halves are already ascending; stability then yields exactly the full 64-bit order (value, then id) without
/// sorting on the id. A comparison sort of 128k keys cost ~8 ms per step and dominated tfs, typical_p and skew.
/// </summary>
internal static class KeyRadixSort
{
    /// <summary>Below this a comparison sort is cheaper than four histogram passes.</summary>
    private const int RadixThreshold = 256;

    /// <summary>
    /// Sorts <paramref name="keys"/> ascending, using <paramref name="scratch"/> (at least as long) as the other
    /// buffer. Precondition: the id halves (low 32 bits) are ascending on entry.
    /// </summary>
    public static void Sort(Span<ulong> keys, Span<ulong> scratch)
    {
        var n = keys.Length;
        if (n < RadixThreshold)
        {
            keys.Sort();
            return;
        }
        Span<int> offsets = stackalloc int[4 * 256];
        offsets.Clear();
        foreach (var key in keys)
        {
            var value = (uint)(key >> 32);
            offsets[(int)(value & 0xFF)]++;
            offsets[256 + (int)((value >> 8) & 0xFF)]++;
            offsets[512 + (int)((value >> 16) & 0xFF)]++;
            offsets[768 + (int)(value >> 24)]++;
        }

        var source = keys;
        var destination = scratch[..n];
        var inScratch = false;
        for (var digit = 0; digit < 4; digit++)
        {
            var shift = 32 + (8 * digit);
            var counts = offsets.Slice(256 * digit, 256);
            // A digit shared by every key (the top byte of probabilities, usually) leaves the order as it is.
            if (counts[(int)(source[0] >> shift) & 0xFF] == n)
            {
                continue;
            }
            var sum = 0;
            for (var b = 0; b < 256; b++)
            {
                var c = counts[b];
                counts[b] = sum;
                sum += c;
            }
            foreach (var key in source)
            {
                destination[counts[(int)(key >> shift) & 0xFF]++] = key;
            }
            var swap = source;
            source = destination;
            destination = swap;
            inScratch = !inScratch;
        }
        if (inScratch)
        {
            source.CopyTo(keys);
        }
    }
}
