namespace Kernels.Graphs;

/// <summary>
/// The batch sizes a decode step is captured at (vLLM's cudagraph capture sizes): a step of n sequences replays
/// the graph of the smallest bucket ≥ n, its inputs padded to that size; above the largest bucket it runs plain.
/// </summary>
public sealed class GraphBuckets
{
    private readonly int[] _sizes;

    /// <summary><paramref name="sizes"/>: positive, in any order; duplicates are merged.</summary>
    public GraphBuckets(IEnumerable<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        _sizes = sizes.Distinct().Order().ToArray();
        if (_sizes.Length == 0 || _sizes[0] < 1)
        {
            throw new ArgumentException("Graph buckets need at least one size, every size at least 1.", nameof(sizes));
        }
    }

    /// <summary>1, 2, 4, then the multiples of 8, up to the first of them ≥ <paramref name="max"/> (vLLM's default capture sizes).</summary>
    public static GraphBuckets UpTo(int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var sizes = new List<int>();
        for (var size = 1; ; size = size < 8 ? size * 2 : size + 8)
        {
            sizes.Add(size);
            if (size >= max)
            {
                return new GraphBuckets(sizes);
            }
        }
    }

    public IReadOnlyList<int> Sizes => _sizes;

    public int Largest => _sizes[^1];

    /// <summary>The smallest bucket ≥ <paramref name="batchSize"/>, or null when it is above every bucket.</summary>
    public int? BucketFor(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var index = Array.BinarySearch(_sizes, batchSize);
        if (index < 0)
        {
            index = ~index;
        }
        return index < _sizes.Length ? _sizes[index] : null;
    }
}
