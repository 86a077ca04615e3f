using ILGPU;
using ILGPU.Algorithms;
using Kernels.Language;

namespace Engine.Backends.Cuda.Attention;

/// <summary>
/// Prefill and chunked-prefill attention: causal flash attention over the paged cache (the chunk's own keys and
/// values are already stored there). One group per (tile of TileRows query rows, sequence, KV head) for every
/// sequence with more than one query row; its R = TileRows · G query vectors (the rows × the KV head's G query
/// heads) share each tile of 16 keys and values. Online softmax per query vector: for each key tile,
/// s = q · k / sqrt(d) (masked where the key's position exceeds the row's), m' = max(m, max s), c = e^(m − m'),
/// p = e^(s − m'), l ← c·l + Σ p, o ← c·o + Σ p·v; finally out = o / l. Keys run from 0 to the tile's last row's
/// position, so the first tile holds key 0, which every row sees: m is finite from then on.
/// Shared memory (floats): q R·(d+1), tile 16·(d+1), scores R·16, o R·d, (m, l, c) 3R.
/// All arithmetic is float32 (the cache is widened as it is staged); the tensor-core version is still to come.
/// </summary>
public static class PrefillAttention
{
    /// <summary>Threads per group: four warps.</summary>
    public const int GroupSize = 128;

    /// <summary>Dynamic shared floats of one group with <paramref name="vectors"/> = TileRows · G query vectors.</summary>
    public static int SharedFloats(int headDim, int vectors) =>
        (vectors * (headDim + 1)) + (KvTile.Tokens * (headDim + 1)) + (vectors * KvTile.Tokens) + (vectors * headDim) + (3 * vectors);

    public static void Kernel<TFormat, THeadDim>(GlobalView<uint> keys, GlobalView<uint> values, AttentionViews views, AttentionShape shape)
        where TFormat : struct, IKvFormat
        where THeadDim : struct, IConst
    {
        var seq = Grid.IdxY;
        var kvHead = Grid.IdxZ;
        var start = views.QueryStartLoc[seq];
        var length = views.QueryStartLoc[seq + 1] - start;
        var r0 = Grid.IdxX * shape.TileRows;
        if (length == 1 || r0 >= length)
        {
            return;
        }
        var rows = XMath.Min(shape.TileRows, length - r0);
        var d = THeadDim.Value;
        var stride = d + 1;
        var heads = shape.GroupSize;
        var vectors = shape.TileRows * heads;
        var shared = SharedMemory.GetDynamic<float>();
        var tile = vectors * stride;
        var scores = tile + (KvTile.Tokens * stride);
        var acc = scores + (vectors * KvTile.Tokens);
        var maxima = acc + (vectors * d);
        var sums = maxima + vectors;
        var corrections = sums + vectors;
        var tid = Group.IdxX;
        var threads = Group.DimX;
        var rowWidth = shape.NumHeads * d;

        // q vector v = (row r0 + v / G, head kvHead·G + v % G), scaled by 1/sqrt(d); rows past the run are zeros
        for (var i = tid; i < vectors * d; i += threads)
        {
            var v = i / d;
            var c = i - (v * d);
            var r = v / heads;
            var q = 0f;
            if (r < rows)
            {
                q = views.Q[((start + r0 + r) * rowWidth) + (((kvHead * heads) + v - (r * heads)) * d) + c] * shape.Scale;
            }
            shared[(v * stride) + c] = q;
            shared[acc + i] = 0f;
        }
        for (var v = tid; v < vectors; v += threads)
        {
            shared[maxima + v] = KvTile.Masked;
            shared[sums + v] = 0f;
        }

        // positions rise along a run, so its tile's last row sees the most keys
        var lastKey = views.Positions[start + r0 + rows - 1];
        for (var k0 = 0; k0 <= lastKey; k0 += KvTile.Tokens)
        {
            var n = XMath.Min(KvTile.Tokens, lastKey + 1 - k0);
            Group.Barrier();
            KvTile.Load<TFormat, THeadDim>(keys, views, shape, seq, kvHead, k0, n, shared, tile);
            Group.Barrier();

            // s[v, t] = q_v · k_t, masked past the row's position (and past the tile's n keys)
            for (var i = tid; i < vectors * KvTile.Tokens; i += threads)
            {
                var v = i / KvTile.Tokens;
                var t = i - (v * KvTile.Tokens);
                var r = v / heads;
                var s = KvTile.Masked;
                if (t < n && r < rows && k0 + t <= views.Positions[start + r0 + r])
                {
                    var q = v * stride;
                    var k = tile + (t * stride);
                    s = 0f;
                    for (var c = 0; c < d; c++)
                    {
                        s += shared[q + c] * shared[k + c];
                    }
                }
                shared[scores + i] = s;
            }
            Group.Barrier();

            // values replace keys in the tile while one thread per vector updates its running m and l
            KvTile.Load<TFormat, THeadDim>(values, views, shape, seq, kvHead, k0, n, shared, tile);
            for (var v = tid; v < vectors; v += threads)
            {
                var s = scores + (v * KvTile.Tokens);
                var m = shared[maxima + v];
                var next = m;
                for (var t = 0; t < KvTile.Tokens; t++)
                {
                    next = XMath.Max(next, shared[s + t]);
                }
                var correction = XMath.Exp(m - next);
                var l = shared[sums + v] * correction;
                for (var t = 0; t < KvTile.Tokens; t++)
                {
                    var p = XMath.Exp(shared[s + t] - next);
                    shared[s + t] = p;
                    l += p;
                }
                shared[maxima + v] = next;
                shared[sums + v] = l;
                shared[corrections + v] = correction;
            }
            Group.Barrier();

            // o_v ← c_v · o_v + Σ_t p[v, t] · v_t; each thread owns the same (v, c) pairs throughout
            for (var i = tid; i < vectors * d; i += threads)
            {
                var v = i / d;
                var c = i - (v * d);
                var p = scores + (v * KvTile.Tokens);
                var o = shared[acc + i] * shared[corrections + v];
                for (var t = 0; t < n; t++)
                {
                    o += shared[p + t] * shared[tile + (t * stride) + c];
                }
                shared[acc + i] = o;
            }
        }
        Group.Barrier();

        // out = o / l
        for (var i = tid; i < vectors * d; i += threads)
        {
            var v = i / d;
            var c = i - (v * d);
            var r = v / heads;
            if (r < rows)
            {
                views.Output[((start + r0 + r) * rowWidth) + (((kvHead * heads) + v - (r * heads)) * d) + c] = shared[acc + i] / shared[sums + v];
            }
        }
    }
}
