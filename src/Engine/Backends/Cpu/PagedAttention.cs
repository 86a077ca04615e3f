using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Engine.Execution;
using Engine.Model;

namespace Engine.Backends.Cpu;

/// <summary>
/// Causal attention over the paged KV cache, one chunk per (row, query head): scores over positions 0..p read
/// block by block through the sequence's block table, softmax, weighted sum of values. Head sizes 64 and 128 run
/// <see cref="AttentionHead{THeadDim, TLoader}"/> (q and the output in registers); others the inlined Vector512 loops below
/// (q · k through <see cref="LoaderDot"/>). Scores live in a per-worker scratch row. Every path
/// is generic over the cache's element loader, so a bf16 or f16 cache runs the same loops widening on load.
/// </summary>
internal sealed unsafe class PagedAttention : IParallelJob
{
    private float[] _q = [];
    private float[] _out = [];
    private byte[] _keys = [];
    private byte[] _values = [];
    private int[] _rowSeq = [];
    private ForwardBatch? _batch;
    private float[][] _scores = [];
    private int _numHeads;
    private int _groupSize;
    private int _headDim;
    private CpuKvCache? _cache;
    private float _scale;

    public int Prepare(float[] q, float[] output, CpuKvCache cache, int layer, ForwardBatch batch, int[] rowSeq, int numHeads, float[][] scores)
    {
        _q = q;
        _out = output;
        _keys = cache.Keys[layer];
        _values = cache.Values[layer];
        _batch = batch;
        _rowSeq = rowSeq;
        _numHeads = numHeads;
        _groupSize = numHeads / cache.NumKvHeads;
        _headDim = cache.HeadDim;
        _cache = cache;
        _scale = 1f / MathF.Sqrt(cache.HeadDim);
        _scores = scores;
        return batch.NumTokens * numHeads;
    }

    public void Execute(int chunk, int worker)
    {
        switch (_cache!.DType)
        {
            case DType.BF16:
                Execute<Bf16Loader>(chunk, worker);
                break;
            case DType.F16:
                Execute<F16Loader>(chunk, worker);
                break;
            default:
                Execute<F32Loader>(chunk, worker);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Execute<TLoader>(int chunk, int worker)
        where TLoader : struct, IWeightLoader
    {
        var batch = _batch!;
        var row = chunk / _numHeads;
        var head = chunk % _numHeads;
        var seq = _rowSeq[row];
        var position = batch.Positions[row];
        var blockSize = batch.BlockSize;
        var table = batch.BlockTables.Slice(seq * batch.MaxBlocksPerSeq, batch.MaxBlocksPerSeq);
        var hd = _headDim;
        var cache = _cache!;
        var headOffset = cache.HeadOffset(head / _groupSize);
        var blockStride = cache.BlockStride;
        var qDim = _numHeads * hd;
        var scores = _scores[worker].AsSpan(0, position + 1);

        var size = TLoader.ElementSize;
        fixed (float* q = &_q[row * qDim + head * hd], output = &_out[row * qDim + head * hd], s = scores)
        fixed (byte* keys = _keys, values = _values)
        {
            if (hd == 64)
            {
                AttentionHead<HeadDim64, TLoader>.Run(q, keys, values, blockStride, headOffset, table, blockSize, position, _scale, s, output);
                return;
            }
            if (hd == 128)
            {
                AttentionHead<HeadDim128, TLoader>.Run(q, keys, values, blockStride, headOffset, table, blockSize, position, _scale, s, output);
                return;
            }

            // any other head size: the same steps with the output row accumulated in memory
            // scores[t] = q · k_t / sqrt(head_dim), t = 0..pos, one block of the table at a time
            for (var t0 = 0; t0 <= position; t0 += blockSize)
            {
                var block = keys + ((((nint)table[t0 / blockSize] * blockStride) + headOffset) * size);
                var count = Math.Min(blockSize, position + 1 - t0);
                for (var j = 0; j < count; j++)
                {
                    s[t0 + j] = LoaderDot.Dot<TLoader>(block + ((nint)j * hd * size), q, hd) * _scale;
                }
            }

            // softmax over the context
            TensorPrimitives.SoftMax(scores, scores);

            // out = Σ_t scores[t] · v_t
            new Span<float>(output, hd).Clear();
            for (var t0 = 0; t0 <= position; t0 += blockSize)
            {
                var block = values + ((((nint)table[t0 / blockSize] * blockStride) + headOffset) * size);
                var count = Math.Min(blockSize, position + 1 - t0);
                for (var j = 0; j < count; j++)
                {
                    Axpy<TLoader>(s[t0 + j], block + ((nint)j * hd * size), output, hd);
                }
            }
        }
    }

    // y += a · x
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy<TLoader>(float a, byte* x, float* y, int n)
        where TLoader : struct, IWeightLoader
    {
        var va = Vector512.Create(a);
        var i = 0;
        for (; i + 16 <= n; i += 16)
        {
            Vector512.FusedMultiplyAdd(va, TLoader.Load16(x, i), Vector512.Load(y + i)).Store(y + i);
        }
        for (; i < n; i++)
        {
            y[i] += a * TLoader.Load1(x, i);
        }
    }
}
