using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu;

/// <summary>
/// y (tokens, n) = x (tokens, k) · Wᵀ (+ bias), W (n, k) in its own dtype, for up to three weights that share the
/// input x (q/k/v, gate/up), run as one job: the chunks of every target form one list, so one hand-off to the
/// workers covers the fused projections. Each chunk owns 16 rows of one target and runs every token through
/// them, so each weight row is streamed from memory once per batch.
/// <list type="bullet">
/// <item>Decode (fewer than 4 tokens): the memory-bound GEMV. Each chunk walks its 16 rows in address order, one
/// row at a time, so a thread reads one sequential stream (the hardware prefetcher's best case; reading 2 or 4
/// rows side by side measured slower) while x stays in L1. Two FMA chains per row (even and odd 16-element
/// blocks): with one, the 4-cycle FMA latency caps a core at 32 bytes of BF16 weights per 4 cycles, about what
/// one core's share of memory delivers, so the loop could not catch up after a stall (a cache-resident BF16
/// GEMV ran ~1.35× faster with two chains).</item>
/// <item>Prefill: a register-blocked GEMM, 4 weight rows × 4 tokens = 16 Vector512 accumulators, over a block of
/// tokens sized for L2 while the chunk's rows stay in L2 and one tile's rows in L1; the even blocks and the odd
/// blocks of k are two passes over the tile (32 accumulators would not fit the 32 registers).</item>
/// </list>
/// Every kernel sums an output the same way (16-lane partial sums over the even 16-element blocks of k and over
/// the odd ones, Vector512.Sum of their sum, then the scalar tail), so a row's result does not depend on the
/// kernel, the batch or the fusion: batched, one-at-a-time and fused runs agree bit for bit.
/// </summary>
/// <remarks>Kernels are marked AggressiveOptimization: tier-0 code of generic vector loops is ~50× slower, and a
/// short generation would otherwise run entirely before tiering kicks in.</remarks>
internal sealed unsafe class MatMul<TLoader> : IParallelJob
    where TLoader : struct, IWeightLoader
{
    public const int RowsPerChunk = 16;

    private const int MaxTargets = 3;
    private const int TileOutputs = 16;

    private readonly Target[] _targets = new Target[MaxTargets];
    private int _numTargets;
    private int _numChunks;
    private float* _x;
    private nint _rowBytes;
    private int _k;
    private int _tokens;

    private struct Target
    {
        public byte* W;
        public float* Y;
        public float* Bias;
        public int N;
        public int FirstChunk;
    }

    /// <summary>Sets the shared input x (tokens, k) and clears the targets.</summary>
    public void Begin(float* x, int k, int tokens)
    {
        _x = x;
        _k = k;
        _tokens = tokens;
        _rowBytes = (nint)k * TLoader.ElementSize;
        _numTargets = 0;
        _numChunks = 0;
    }

    /// <summary>Adds y (tokens, n) = x · Wᵀ (+ bias); returns the number of chunks of all targets so far.</summary>
    public int Add(byte* w, int n, float* y, float* bias)
    {
        ref var t = ref _targets[_numTargets++];
        t.W = w;
        t.N = n;
        t.Y = y;
        t.Bias = bias;
        t.FirstChunk = _numChunks;
        _numChunks += (n + RowsPerChunk - 1) / RowsPerChunk;
        return _numChunks;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int chunk, int worker)
    {
        var ti = _numTargets - 1;
        while (_targets[ti].FirstChunk > chunk)
        {
            ti--;
        }
        var t = _targets[ti];
        var r0 = (chunk - t.FirstChunk) * RowsPerChunk;
        var r1 = Math.Min(r0 + RowsPerChunk, t.N);
        if (_tokens < 4)
        {
            for (var u = 0; u < _tokens; u++)
            {
                var x = _x + (nint)u * _k;
                for (var r = r0; r < r1; r++)
                {
                    Store(t, r, u, Dot(t.W + r * _rowBytes, x));
                }
            }
            return;
        }

        // Cache blocking: a block of tokens small enough for L2 (~256 KiB of activations, a multiple of 4) is
        // run through every 4-row tile of the chunk.
        var sums = stackalloc Vector512<float>[2 * TileOutputs];
        var tokenBlock = Math.Max(4, 256 * 1024 / (_k * sizeof(float)) / 4 * 4);
        for (var b0 = 0; b0 < _tokens; b0 += tokenBlock)
        {
            var b1 = Math.Min(b0 + tokenBlock, _tokens);
            var full = b0 + (b1 - b0) / 4 * 4;
            var r = r0;
            for (; r + 4 <= r1; r += 4)
            {
                for (var u = b0; u < full; u += 4)
                {
                    Tile4x4(t, r, u, sums);
                }
                for (var u = full; u < b1; u++)
                {
                    Tile4x1(t, r, u);
                }
            }
            for (; r < r1; r++)
            {
                for (var u = b0; u < b1; u++)
                {
                    Store(t, r, u, Dot(t.W + r * _rowBytes, _x + (nint)u * _k));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(in Target t, int row, int token, float dot) =>
        t.Y[(nint)token * t.N + row] = t.Bias == null ? dot : dot + t.Bias[row];

    // one output: the decode GEMV's whole inner loop, and every tail
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Dot(byte* w, float* x) => LoaderDot.Dot<TLoader>(w, x, _k);

    // 4 weight rows against one token (the prefill's token tail)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Tile4x1(in Target t, int r, int u)
    {
        byte* w0 = t.W + r * _rowBytes, w1 = w0 + _rowBytes, w2 = w1 + _rowBytes, w3 = w2 + _rowBytes;
        var x = _x + (nint)u * _k;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
        nint i = 0, k = _k;
        for (; i + 32 <= k; i += 32)
        {
            var xa = Vector512.Load(x + i);
            var xb = Vector512.Load(x + i + 16);
            a0 = Vector512.FusedMultiplyAdd(TLoader.Load16(w0, i), xa, a0);
            a1 = Vector512.FusedMultiplyAdd(TLoader.Load16(w1, i), xa, a1);
            a2 = Vector512.FusedMultiplyAdd(TLoader.Load16(w2, i), xa, a2);
            a3 = Vector512.FusedMultiplyAdd(TLoader.Load16(w3, i), xa, a3);
            b0 = Vector512.FusedMultiplyAdd(TLoader.Load16(w0, i + 16), xb, b0);
            b1 = Vector512.FusedMultiplyAdd(TLoader.Load16(w1, i + 16), xb, b1);
            b2 = Vector512.FusedMultiplyAdd(TLoader.Load16(w2, i + 16), xb, b2);
            b3 = Vector512.FusedMultiplyAdd(TLoader.Load16(w3, i + 16), xb, b3);
        }
        if (i + 16 <= k)
        {
            var xa = Vector512.Load(x + i);
            a0 = Vector512.FusedMultiplyAdd(TLoader.Load16(w0, i), xa, a0);
            a1 = Vector512.FusedMultiplyAdd(TLoader.Load16(w1, i), xa, a1);
            a2 = Vector512.FusedMultiplyAdd(TLoader.Load16(w2, i), xa, a2);
            a3 = Vector512.FusedMultiplyAdd(TLoader.Load16(w3, i), xa, a3);
            i += 16;
        }
        float s0 = Vector512.Sum(a0 + b0), s1 = Vector512.Sum(a1 + b1), s2 = Vector512.Sum(a2 + b2), s3 = Vector512.Sum(a3 + b3);
        for (; i < k; i++)
        {
            var xi = x[i];
            s0 += TLoader.Load1(w0, i) * xi;
            s1 += TLoader.Load1(w1, i) * xi;
            s2 += TLoader.Load1(w2, i) * xi;
            s3 += TLoader.Load1(w3, i) * xi;
        }
        Store(t, r, u, s0);
        Store(t, r + 1, u, s1);
        Store(t, r + 2, u, s2);
        Store(t, r + 3, u, s3);
    }

    // Prefill GEMM micro-kernel: 4 weight rows × 4 tokens, the even 16-blocks of k into sums[0..16), the odd ones
    // into sums[16..32), then each output's two partial sums are added and reduced.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Tile4x4(in Target t, int r, int u, Vector512<float>* sums)
    {
        byte* w0 = t.W + r * _rowBytes;
        float* x0 = _x + (nint)u * _k;
        TilePass(w0, x0, 0, sums);
        TilePass(w0, x0, 16, sums + TileOutputs);
        var i = _k / 16 * 16;
        for (var row = 0; row < 4; row++)
        {
            var e = sums + (row * 4);
            var o = e + TileOutputs;
            Finish(t, r + row, u, i, w0 + row * _rowBytes, x0, e[0] + o[0], e[1] + o[1], e[2] + o[2], e[3] + o[3]);
        }
    }

    // One pass of the 4 × 4 tile over the 16-blocks of k at start, start + 32, …: each loaded weight vector feeds
    // 4 FMAs, each loaded activation vector 4. Writes the 16 partial sums, row-major (row, token).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TilePass(byte* w0, float* x0, nint start, Vector512<float>* sums)
    {
        byte* w1 = w0 + _rowBytes, w2 = w1 + _rowBytes, w3 = w2 + _rowBytes;
        float* x1 = x0 + _k, x2 = x1 + _k, x3 = x2 + _k;
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        nint k = _k;
        for (var i = start; i + 16 <= k; i += 32)
        {
            var v0 = Vector512.Load(x0 + i);
            var v1 = Vector512.Load(x1 + i);
            var v2 = Vector512.Load(x2 + i);
            var v3 = Vector512.Load(x3 + i);
            var w = TLoader.Load16(w0, i);
            c00 = Vector512.FusedMultiplyAdd(w, v0, c00);
            c01 = Vector512.FusedMultiplyAdd(w, v1, c01);
            c02 = Vector512.FusedMultiplyAdd(w, v2, c02);
            c03 = Vector512.FusedMultiplyAdd(w, v3, c03);
            w = TLoader.Load16(w1, i);
            c10 = Vector512.FusedMultiplyAdd(w, v0, c10);
            c11 = Vector512.FusedMultiplyAdd(w, v1, c11);
            c12 = Vector512.FusedMultiplyAdd(w, v2, c12);
            c13 = Vector512.FusedMultiplyAdd(w, v3, c13);
            w = TLoader.Load16(w2, i);
            c20 = Vector512.FusedMultiplyAdd(w, v0, c20);
            c21 = Vector512.FusedMultiplyAdd(w, v1, c21);
            c22 = Vector512.FusedMultiplyAdd(w, v2, c22);
            c23 = Vector512.FusedMultiplyAdd(w, v3, c23);
            w = TLoader.Load16(w3, i);
            c30 = Vector512.FusedMultiplyAdd(w, v0, c30);
            c31 = Vector512.FusedMultiplyAdd(w, v1, c31);
            c32 = Vector512.FusedMultiplyAdd(w, v2, c32);
            c33 = Vector512.FusedMultiplyAdd(w, v3, c33);
        }
        sums[0] = c00; sums[1] = c01; sums[2] = c02; sums[3] = c03;
        sums[4] = c10; sums[5] = c11; sums[6] = c12; sums[7] = c13;
        sums[8] = c20; sums[9] = c21; sums[10] = c22; sums[11] = c23;
        sums[12] = c30; sums[13] = c31; sums[14] = c32; sums[15] = c33;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Finish(in Target t, int r, int u, nint i, byte* w, float* x0,
        Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3)
    {
        float* x1 = x0 + _k, x2 = x1 + _k, x3 = x2 + _k;
        float s0 = Vector512.Sum(c0), s1 = Vector512.Sum(c1), s2 = Vector512.Sum(c2), s3 = Vector512.Sum(c3);
        for (; i < _k; i++)
        {
            var wi = TLoader.Load1(w, i);
            s0 += wi * x0[i];
            s1 += wi * x1[i];
            s2 += wi * x2[i];
            s3 += wi * x3[i];
        }
        Store(t, r, u, s0);
        Store(t, r, u + 1, s1);
        Store(t, r, u + 2, s2);
        Store(t, r, u + 3, s3);
    }
}
