using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Attention;

/// <summary>
/// The flash-decoding reduction: for a decode row whose context spans P &gt; 1 partitions, with partition records
/// (o_p, m_p, l_p) from <see cref="DecodeAttention"/>, M = max_p m_p, w_p = e^(m_p − M) and
/// out = Σ_p w_p o_p / Σ_p w_p l_p, exactly the softmax over the whole context. One group per (sequence, head),
/// one thread per output element; rows of one partition were finished by the decode kernel and are skipped.
/// </summary>
public static class DecodeReduce
{
    public static void Kernel(AttentionViews views, AttentionShape shape, int headDim)
    {
        var seq = Grid.IdxX;
        var head = Grid.IdxY;
        var row = views.QueryStartLoc[seq];
        if (views.QueryStartLoc[seq + 1] - row != 1)
        {
            return;
        }
        var context = views.Positions[row] + 1;
        var partitions = (context + shape.PartitionTokens - 1) / shape.PartitionTokens;
        if (partitions == 1)
        {
            return;
        }
        var record = headDim + 2;
        var first = ((seq * shape.NumHeads) + head) * shape.MaxPartitions * record;

        // M = max_p m_p (every thread reads the few partition maxima itself: no shared memory, no barrier)
        var m = KvTile.Masked;
        for (var p = 0; p < partitions; p++)
        {
            m = XMath.Max(m, views.Partials[first + (p * record) + headDim]);
        }
        var l = 0f;
        for (var p = 0; p < partitions; p++)
        {
            var at = first + (p * record);
            l += XMath.Exp(views.Partials[at + headDim] - m) * views.Partials[at + headDim + 1];
        }
        for (var c = Group.IdxX; c < headDim; c += Group.DimX)
        {
            var o = 0f;
            for (var p = 0; p < partitions; p++)
            {
                var at = first + (p * record);
                o += XMath.Exp(views.Partials[at + headDim] - m) * views.Partials[at + c];
            }
            views.Output[(row * shape.NumHeads * headDim) + (head * headDim) + c] = o / l;
        }
    }
}
