using ILGPU;
using ILGPU.Algorithms;
using Kernels.Language;

namespace Engine.Backends.Cuda.Attention;

/// <summary>
/// Decode attention, flash-decoding style: one group per (sequence, KV head, partition of PartitionTokens keys)
/// for every sequence with one query row (longer query runs are <see cref="PrefillAttention"/>'s). The group's
/// G = n_heads / n_kv_heads query heads share each key and value tile, so the KV head is read once for all of them.
/// Per partition: s[g, t] = q_g · k_t / sqrt(d) for its keys, m_g = max_t s, l_g = Σ_t e^(s − m_g),
/// o_g = Σ_t e^(s − m_g) v_t. A context of one partition writes o_g / l_g directly; longer ones write (m, l, o) to the
/// scratch for <see cref="DecodeReduce"/>: one record of d + 2 floats (o, m, l) per (sequence, head, partition).
/// Shared memory (floats): q G·(d+1), tile 16·(d+1), scores G·P, o G·d, (m, l) 2G.
/// </summary>
public static class DecodeAttention
{
    /// <summary>Threads per group: four warps.</summary>
    public const int GroupSize = 128;

    /// <summary>Dynamic shared floats of one group.</summary>
    public static int SharedFloats(int headDim, int groupSize, int partitionTokens) =>
        (groupSize * (headDim + 1)) + (KvTile.Tokens * (headDim + 1)) + (groupSize * partitionTokens) + (groupSize * headDim) + (2 * groupSize);

    /// <summary>Floats of the scratch record of one (sequence, head, partition): o (head_dim), m, l.</summary>
    public static int RecordFloats(int headDim) => headDim + 2;

    /// <param name="keys">The layer's key cache (blocks, block_size, n_kv_heads, d) as 32-bit words.</param>
    /// <param name="values">The layer's value cache, same layout.</param>
    public static void Kernel<TFormat, THeadDim>(GlobalView<uint> keys, GlobalView<uint> values, AttentionViews views, AttentionShape shape)
        where TFormat : struct, IKvFormat
        where THeadDim : struct, IConst
    {
        var seq = Grid.IdxX;
        var kvHead = Grid.IdxY;
        var partition = Grid.IdxZ;
        var row = views.QueryStartLoc[seq];
        if (views.QueryStartLoc[seq + 1] - row != 1)
        {
            return;
        }
        var context = views.Positions[row] + 1;
        var partitionTokens = shape.PartitionTokens;
        var first = partition * partitionTokens;
        if (first >= context)
        {
            return;
        }
        var count = XMath.Min(partitionTokens, context - first);
        var d = THeadDim.Value;
        var stride = d + 1;
        var heads = shape.GroupSize;
        var shared = SharedMemory.GetDynamic<float>();
        var tile = heads * stride;
        var scores = tile + (KvTile.Tokens * stride);
        var acc = scores + (heads * partitionTokens);
        var stats = acc + (heads * d);
        var tid = Group.IdxX;
        var threads = Group.DimX;

        // q rows of the group's heads (consecutive in the row), scaled by 1/sqrt(d) once; o = 0
        var qBase = (row * shape.NumHeads * d) + (kvHead * heads * d);
        for (var i = tid; i < heads * d; i += threads)
        {
            var g = i / d;
            shared[(g * stride) + i - (g * d)] = views.Q[qBase + i] * shape.Scale;
            shared[acc + i] = 0f;
        }

        // s[g, t] = q_g · k_t, one tile of keys at a time
        for (var t0 = 0; t0 < count; t0 += KvTile.Tokens)
        {
            var n = XMath.Min(KvTile.Tokens, count - t0);
            Group.Barrier();
            KvTile.Load<TFormat, THeadDim>(keys, views, shape, seq, kvHead, first + t0, n, shared, tile);
            Group.Barrier();
            for (var i = tid; i < heads * n; i += threads)
            {
                var g = i / n;
                var t = i - (g * n);
                var q = g * stride;
                var k = tile + (t * stride);
                var dot = 0f;
                for (var c = 0; c < d; c++)
                {
                    dot += shared[q + c] * shared[k + c];
                }
                shared[scores + (g * partitionTokens) + t0 + t] = dot;
            }
        }
        Group.Barrier();

        // m_g = max_t s, s ← e^(s − m_g), l_g = Σ_t s: one warp per head
        var warps = threads / Warp.WarpSize;
        for (var g = Warp.WarpIdx; g < heads; g += warps)
        {
            var s = scores + (g * partitionTokens);
            var m = KvTile.Masked;
            for (var t = Warp.LaneIdx; t < count; t += Warp.WarpSize)
            {
                m = XMath.Max(m, shared[s + t]);
            }
            m = KvTile.WarpMax(m);
            var l = 0f;
            for (var t = Warp.LaneIdx; t < count; t += Warp.WarpSize)
            {
                var p = XMath.Exp(shared[s + t] - m);
                shared[s + t] = p;
                l += p;
            }
            l = Reductions.WarpSum(l);
            if (Warp.LaneIdx == 0)
            {
                shared[stats + (2 * g)] = m;
                shared[stats + (2 * g) + 1] = l;
            }
        }

        // o_g += Σ_t p[g, t] · v_t, one tile of values at a time; each thread owns the same (g, c) pairs throughout
        for (var t0 = 0; t0 < count; t0 += KvTile.Tokens)
        {
            var n = XMath.Min(KvTile.Tokens, count - t0);
            Group.Barrier();
            KvTile.Load<TFormat, THeadDim>(values, views, shape, seq, kvHead, first + t0, n, shared, tile);
            Group.Barrier();
            for (var i = tid; i < heads * d; i += threads)
            {
                var g = i / d;
                var c = i - (g * d);
                var p = scores + (g * partitionTokens) + t0;
                var o = shared[acc + i];
                for (var t = 0; t < n; t++)
                {
                    o += shared[p + t] * shared[tile + (t * stride) + c];
                }
                shared[acc + i] = o;
            }
        }
        Group.Barrier();

        // one partition: out = o / l; else the record (o, m, l) for the reduction
        var single = context <= partitionTokens;
        for (var i = tid; i < heads * (d + 2); i += threads)
        {
            var g = i / (d + 2);
            var c = i - (g * (d + 2));
            var head = (kvHead * heads) + g;
            if (single)
            {
                if (c < d)
                {
                    views.Output[(row * shape.NumHeads * d) + (head * d) + c] = shared[acc + (g * d) + c] / shared[stats + (2 * g) + 1];
                }
            }
            else
            {
                var record = ((((seq * shape.NumHeads) + head) * shape.MaxPartitions) + partition) * (d + 2);
                views.Partials[record + c] = c < d ? shared[acc + (g * d) + c] : shared[stats + (2 * g) + c - d];
            }
        }
    }
}
