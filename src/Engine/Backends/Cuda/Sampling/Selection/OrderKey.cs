using ILGPU;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// The engine-wide order of §2 (value descending, equal values by ascending id) as one 64-bit key whose larger
/// values rank first: the order-preserving image of the float's bits in the high half, the complement of the id in
/// the low half. Keys of distinct tokens differ, so "the k-th largest key" names exactly one token and every
/// selection below is a total order, ties included, exactly as the CPU's <c>DescendingOrder</c> sorts.
/// Mass is carried as fixed point (p · 2^62 truncated, a ulong): sums of it are exact, so a cumulative-mass search
/// gives the same answer whatever the thread count or the order the atomics land in (batch-invariant, deterministic).
/// </summary>
internal static class OrderKey
{
    /// <summary>2^62: mass ≤ 1 per token and Σp ≤ 1 + ε keep every sum below 2^63.</summary>
    public const double MassScale = 4611686018427387904.0;

    /// <summary>Order-preserving float → uint (larger floats give larger keys; −∞ lowest, NaN never reaches here).</summary>
    public static uint Of(float value)
    {
        var bits = Interop.FloatAsInt(value);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    public static float ValueOf(uint key) =>
        Interop.IntAsFloat((key & 0x8000_0000u) != 0 ? key & 0x7FFF_FFFFu : ~key);

    /// <summary>The 64-bit key of token <paramref name="id"/>: descending by value, or ascending when <paramref name="ascending"/>, ties by ascending id.</summary>
    public static ulong Of(float value, int id, bool ascending)
    {
        var high = Of(value);
        if (ascending)
        {
            high = ~high;
        }
        return ((ulong)high << 32) | (uint)~id;
    }

    public static int IdOf(ulong key) => (int)~(uint)key;

    /// <summary>The value of a descending key.</summary>
    public static float ValueOf(ulong key) => ValueOf((uint)(key >> 32));

    public static ulong Mass(float probability) => (ulong)(probability * MassScale);

    /// <summary>The least fixed-point mass m with m ≥ <paramref name="fraction"/> · 2^62 (a "cumulative ≥ fraction" target).</summary>
    public static ulong AtLeast(double fraction)
    {
        var scaled = fraction * MassScale;
        var whole = (ulong)scaled;
        return whole < scaled ? whole + 1 : whole;
    }
}
