using Engine.Execution;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using Kernels;

namespace Engine.Backends.Cuda;

/// <summary>
/// Causal attention over the paged KV cache, simple and exact: one warp per (row, query head). Row r of sequence s
/// at position p attends to keys 0..p of KV head h / (n_heads / n_kv_heads) through s's block table, with an
/// online softmax (running max m, running sum l, output rescaled by e^(m_old − m_new)), so one pass over the
/// context suffices: out = Σ_t e^(q·k_t/√d − m) v_t / l. Lane j holds elements j, j + 32, j + 64, j + 96 of q
/// and the output (head_dim ≤ <see cref="MaxHeadDim"/>); q·k is a warp sum. Prefill rows, chunked-prefill rows and
/// decode rows of any mix of sequences run the same code. The fast flash-decoding/prefill kernels replace it.
/// </summary>
public static class NaivePagedAttention
{
    public const int MaxHeadDim = 128;

    /// <summary>Warps ((row, head) items) per group.</summary>
    public const int WarpsPerGroup = 8;

    /// <param name="NumHeads">Query heads.</param>
    /// <param name="GroupSize">Query heads per KV head (GQA ratio).</param>
    /// <param name="KvDim">n_kv_heads · head_dim: one cache slot.</param>
    /// <param name="Items">rows · NumHeads: the warps that do work.</param>
    /// <param name="Scale">1 / sqrt(head_dim).</param>
    /// <param name="Positions">Offset of the (tokens) positions in the step metadata.</param>
    /// <param name="RowSeqs">Offset of the (tokens) row → sequence map.</param>
    /// <param name="BlockTables">Offset of the (seqs, MaxBlocksPerSeq) block tables.</param>
    public readonly record struct Shape(
        int NumHeads, int GroupSize, int HeadDim, int KvDim, int BlockSize, int MaxBlocksPerSeq, int Items, float Scale,
        int Positions, int RowSeqs, int BlockTables);

    /// <param name="q">(tokens, n_heads · head_dim), RoPE applied.</param>
    /// <param name="keys">(slots, kv_dim) one layer of the key cache.</param>
    /// <param name="step">The step's packed int metadata (see <see cref="Shape"/>'s offsets).</param>
    /// <param name="output">(tokens, n_heads · head_dim).</param>
    public static void Kernel<T, TFormat>(ArrayView<float> q, ArrayView<T> keys, ArrayView<T> values, ArrayView<int> step, ArrayView<float> output, Shape shape)
        where T : unmanaged
        where TFormat : struct, IKvFormat<T>
    {
        var item = (Grid.IdxX * WarpsPerGroup) + Warp.WarpIdx;
        if (item >= shape.Items)
        {
            return;
        }
        var format = default(TFormat);
        var hd = shape.HeadDim;
        var lane = Warp.LaneIdx;
        var row = item / shape.NumHeads;
        var head = item - (row * shape.NumHeads);
        var position = step[shape.Positions + row];
        var table = shape.BlockTables + (step[shape.RowSeqs + row] * shape.MaxBlocksPerSeq);
        var kvOffset = head / shape.GroupSize * hd;
        var qStart = item * hd;
        bool in0 = lane < hd, in1 = lane + 32 < hd, in2 = lane + 64 < hd, in3 = lane + 96 < hd;
        var q0 = in0 ? q[qStart + lane] : 0f;
        var q1 = in1 ? q[qStart + lane + 32] : 0f;
        var q2 = in2 ? q[qStart + lane + 64] : 0f;
        var q3 = in3 ? q[qStart + lane + 96] : 0f;

        float m = float.NegativeInfinity, l = 0f, o0 = 0f, o1 = 0f, o2 = 0f, o3 = 0f;
        for (var t = 0; t <= position; t++)
        {
            // the key's slot through the block table
            var block = t / shape.BlockSize;
            var slot = ((long)step[table + block] * shape.BlockSize) + (t - (block * shape.BlockSize));
            var start = (slot * shape.KvDim) + kvOffset + lane;

            // score = q · k_t / sqrt(head_dim)
            var partial = 0f;
            if (in0)
            {
                partial += q0 * format.Load(keys[start]);
            }
            if (in1)
            {
                partial += q1 * format.Load(keys[start + 32]);
            }
            if (in2)
            {
                partial += q2 * format.Load(keys[start + 64]);
            }
            if (in3)
            {
                partial += q3 * format.Load(keys[start + 96]);
            }
            var score = Reductions.WarpSum(partial) * shape.Scale;

            // online softmax: rescale what was summed under the old max, add e^(score − max) · v_t
            var next = XMath.Max(m, score);
            var correction = XMath.Exp(m - next);
            var p = XMath.Exp(score - next);
            l = (l * correction) + p;
            if (in0)
            {
                o0 = (o0 * correction) + (p * format.Load(values[start]));
            }
            if (in1)
            {
                o1 = (o1 * correction) + (p * format.Load(values[start + 32]));
            }
            if (in2)
            {
                o2 = (o2 * correction) + (p * format.Load(values[start + 64]));
            }
            if (in3)
            {
                o3 = (o3 * correction) + (p * format.Load(values[start + 96]));
            }
            m = next;
        }

        // out = Σ_t p_t v_t / Σ_t p_t
        var inverse = 1f / l;
        if (in0)
        {
            output[qStart + lane] = o0 * inverse;
        }
        if (in1)
        {
            output[qStart + lane + 32] = o1 * inverse;
        }
        if (in2)
        {
            output[qStart + lane + 64] = o2 * inverse;
        }
        if (in3)
        {
            output[qStart + lane + 96] = o3 * inverse;
        }
    }

    /// <summary>
    /// Attends every row of <paramref name="batch"/>. The batch's block tables, context lengths and positions are
    /// checked on the host against the cache's <paramref name="numBlocks"/> (a bad index would fault the device).
    /// </summary>
    /// <param name="layout">The offsets of positions, row → sequence and block tables in <paramref name="step"/>.</param>
    public static void Launch<T, TFormat>(KernelContext context, AcceleratorStream stream, ArrayView<float> q, ArrayView<T> keys, ArrayView<T> values,
        ArrayView<int> step, ArrayView<float> output, ForwardBatch batch, int numHeads, int numKvHeads, int headDim, int numBlocks, Shape layout)
        where T : unmanaged
        where TFormat : struct, IKvFormat<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(batch);
        var rows = batch.NumTokens;
        var kvDim = numKvHeads * headDim;
        var qDim = numHeads * headDim;
        if (headDim <= 0 || headDim > MaxHeadDim || numKvHeads <= 0 || numHeads % numKvHeads != 0 || (long)rows * qDim > q.Length
            || (long)rows * qDim > output.Length || keys.Length < (long)numBlocks * batch.BlockSize * kvDim || values.Length < keys.Length)
        {
            throw new ArgumentException(
                $"{nameof(NaivePagedAttention)}: {rows} rows of {numHeads} heads × {headDim} (≤ {MaxHeadDim}) over {numKvHeads} KV heads and {numBlocks} blocks of {batch.BlockSize} need {(long)rows * qDim} q and output elements and {(long)numBlocks * batch.BlockSize * kvDim} cache elements; got {q.Length}, {output.Length}, {keys.Length}/{values.Length}.");
        }
        CheckBatch(batch, numBlocks);
        var items = rows * numHeads;
        if (items == 0)
        {
            return;
        }
        var shape = layout with
        {
            NumHeads = numHeads, GroupSize = numHeads / numKvHeads, HeadDim = headDim, KvDim = kvDim, BlockSize = batch.BlockSize,
            MaxBlocksPerSeq = batch.MaxBlocksPerSeq, Items = items, Scale = 1f / MathF.Sqrt(headDim),
        };
        context.Load(Entries<T, TFormat>.Entry)(stream, new KernelConfig((items + WarpsPerGroup - 1) / WarpsPerGroup, WarpsPerGroup * 32),
            q, keys, values, step, output, shape);
    }

    /// <summary>Every block a row may read is inside the cache, and every row's position inside its sequence.</summary>
    internal static void CheckBatch(ForwardBatch batch, int numBlocks)
    {
        var starts = batch.QueryStartLoc;
        var seqLens = batch.SeqLens;
        var tables = batch.BlockTables;
        var positions = batch.Positions;
        for (var s = 0; s < batch.NumSeqs; s++)
        {
            var used = (seqLens[s] + batch.BlockSize - 1) / batch.BlockSize;
            for (var b = 0; b < used; b++)
            {
                var block = tables[(s * batch.MaxBlocksPerSeq) + b];
                if ((uint)block >= (uint)numBlocks)
                {
                    throw new ArgumentOutOfRangeException(nameof(batch), $"Sequence {s}'s block table entry {b} is block {block}, outside the cache (0..{numBlocks - 1}).");
                }
            }
            for (var r = starts[s]; r < starts[s + 1]; r++)
            {
                if ((uint)positions[r] >= (uint)seqLens[s])
                {
                    throw new ArgumentOutOfRangeException(nameof(batch), $"Row {r} is at position {positions[r]}, past sequence {s}'s context of {seqLens[s]}.");
                }
            }
        }
    }

    private static class Entries<T, TFormat>
        where T : unmanaged
        where TFormat : struct, IKvFormat<T>
    {
        public static readonly Action<ArrayView<float>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<float>, Shape> Entry = Kernel<T, TFormat>;
    }
}
