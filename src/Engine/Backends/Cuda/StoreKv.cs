using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda;

/// <summary>
/// Writes each new token's key and value into its paged-cache slot: keys[slot[r], c] = k[r, c] and
/// values[slot[r], c] = v[r, c] for c &lt; kv_dim (= n_kv_heads · head_dim), rounded to the cache's dtype.
/// One thread per (row, c), K and V in the same launch.
/// </summary>
public static class StoreKv
{
    /// <param name="KvDim">n_kv_heads · head_dim: the row width of k, v and one cache slot.</param>
    /// <param name="Count">rows · KvDim: the threads that do work.</param>
    public readonly record struct Shape(int KvDim, int Count);

    /// <param name="k">(rows, kv_dim) new keys.</param>
    /// <param name="keys">(slots, kv_dim) one layer of the key cache.</param>
    /// <param name="slots">(rows) the slot of each row (block · block_size + offset).</param>
    public static void Kernel<T, TFormat>(ArrayView<float> k, ArrayView<float> v, ArrayView<T> keys, ArrayView<T> values, ArrayView<int> slots, Shape shape)
        where T : unmanaged
        where TFormat : struct, IKvFormat<T>
    {
        var i = Grid.GlobalIndex.X;
        if (i >= shape.Count)
        {
            return;
        }
        var format = default(TFormat);
        var row = i / shape.KvDim;
        var destination = ((long)slots[row] * shape.KvDim) + (i - (row * shape.KvDim));
        keys[destination] = format.Store(k[i]);
        values[destination] = format.Store(v[i]);
    }

    /// <summary>
    /// Stores the first hostSlots.Length rows of k and v; <paramref name="hostSlots"/> is the host copy of
    /// <paramref name="slots"/>, each checked against the cache's <paramref name="numSlots"/> here.
    /// </summary>
    public static void Launch<T, TFormat>(KernelContext context, AcceleratorStream stream, ArrayView<float> k, ArrayView<float> v,
        ArrayView<T> keys, ArrayView<T> values, int kvDim, ArrayView<int> slots, ReadOnlySpan<int> hostSlots)
        where T : unmanaged
        where TFormat : struct, IKvFormat<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        var rows = hostSlots.Length;
        var numSlots = keys.Length / Math.Max(kvDim, 1);
        if (kvDim <= 0 || (long)rows * kvDim > k.Length || (long)rows * kvDim > v.Length || values.Length < keys.Length || slots.Length < rows)
        {
            throw new ArgumentException(
                $"{nameof(StoreKv)}: {rows} rows of {kvDim} need {(long)rows * kvDim} elements of k and v and {rows} slots; got {k.Length}, {v.Length}, {slots.Length} (cache {keys.Length}/{values.Length}).");
        }
        for (var r = 0; r < rows; r++)
        {
            if ((uint)hostSlots[r] >= (ulong)numSlots)
            {
                throw new ArgumentOutOfRangeException(nameof(hostSlots), $"KV slot {hostSlots[r]} (row {r}) is outside the cache (0..{numSlots - 1}).");
            }
        }
        var count = rows * kvDim;
        if (count == 0)
        {
            return;
        }
        context.Load(Entries<T, TFormat>.Entry)(
            stream, RowShapes.OneThreadPerElement(count), k, v, keys, values, slots, new Shape(kvDim, count));
    }

    // one delegate per instantiation, made once (a launch allocates nothing)
    private static class Entries<T, TFormat>
        where T : unmanaged
        where TFormat : struct, IKvFormat<T>
    {
        public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<T>, ArrayView<T>, ArrayView<int>, Shape> Entry = Kernel<T, TFormat>;
    }
}
