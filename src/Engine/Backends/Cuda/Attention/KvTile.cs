using ILGPU;
using ILGPU.Algorithms;
using Kernels.Language;

namespace Engine.Backends.Cuda.Attention;

/// <summary>
/// Shared-memory pieces of both attention kernels: a tile of up to <see cref="Tokens"/> key or value rows of one
/// KV head, gathered through the block table with 128-bit read-only loads and widened to float32, each row
/// padded to head_dim + 1 floats so threads reading the same column of different rows hit different banks.
/// </summary>
internal static class KvTile
{
    /// <summary>Key rows per tile (one block at the scheduler's block size 16).</summary>
    public const int Tokens = 16;

    /// <summary>Masked scores: finite, so max/exp arithmetic never makes a NaN, and exp(masked − m) is 0.</summary>
    public const float Masked = float.MinValue;

    /// <summary>
    /// tile[t · (d + 1) + c] = cache[slot(first + t), kvHead, c] for t &lt; count, where slot(p) =
    /// BlockTables[seq, p / BlockSize] · BlockSize + p % BlockSize. Every thread of the group calls it; the caller
    /// synchronises before reading the tile.
    /// </summary>
    public static void Load<TFormat, THeadDim>(GlobalView<uint> cache, AttentionViews views, AttentionShape shape,
        int seq, int kvHead, int first, int count, ArrayView<float> shared, int tile)
        where TFormat : struct, IKvFormat
        where THeadDim : struct, IConst
    {
        var d = THeadDim.Value;
        var width = 4 * TFormat.PerWord;
        var vectors = d / width;
        var slotWords = shape.NumKvHeads * d / TFormat.PerWord;
        var headWords = kvHead * d / TFormat.PerWord;
        var table = seq * shape.MaxBlocksPerSeq;
        for (var i = Group.IdxX; i < count * vectors; i += Group.DimX)
        {
            var t = i / vectors;
            var c = i - (t * vectors);
            var p = first + t;
            var block = p / shape.BlockSize;
            var slot = (views.BlockTables[table + block] * shape.BlockSize) + (p - (block * shape.BlockSize));
            var words = ReadOnly.Load4(cache, (slot * slotWords) + headWords + (c * 4));
            TFormat.Widen(words, shared, tile + (t * (d + 1)) + (c * width));
        }
    }

    /// <summary>The maximum of <paramref name="value"/> over the warp, returned to every lane.</summary>
    public static float WarpMax(float value)
    {
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            value = XMath.Max(value, Warp.ShuffleXor(value, offset));
        }
        return value;
    }
}
