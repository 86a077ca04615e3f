using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu;

/// <summary>
/// y (tokens, n) = x (tokens, k) · Wᵀ (+ bias), W (n, k) in its own dtype. Each chunk owns 16 weight rows and
/// runs every token through them, so each weight row is streamed from memory once per batch: one token is the
/// memory-bound decode GEMV, many tokens a register-blocked GEMM (4 weight rows × 3 tokens = 12 accumulators).
/// </summary>
/// <remarks>Kernels are marked AggressiveOptimization: tier-0 code of generic Vector256 loops is ~50× slower, and a
/// short generation would otherwise run entirely before tiering kicks in.</remarks>
internal sealed unsafe class MatMul<TLoader> : IParallelJob
    where TLoader : struct, IWeightLoader
{
    public const int RowsPerChunk = 16;

    private byte* _w;
    private float* _x;
    private float* _y;
    private float* _bias;
    private nint _rowBytes;
    private int _n;
    private int _k;
    private int _tokens;

    /// <summary>Sets the operands and returns the number of chunks to run.</summary>
    public int Prepare(byte* w, int n, int k, float* x, int tokens, float* y, float* bias)
    {
        _w = w;
        _n = n;
        _k = k;
        _rowBytes = (nint)k * TLoader.ElementSize;
        _x = x;
        _tokens = tokens;
        _y = y;
        _bias = bias;
        return (n + RowsPerChunk - 1) / RowsPerChunk;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int chunk, int worker)
    {
        var r0 = chunk * RowsPerChunk;
        var r1 = Math.Min(r0 + RowsPerChunk, _n);
        // Cache blocking: the chunk's weight rows stay in L2 and one 4-row tile in L1, while a block of tokens
        // small enough for L2 (~192 KiB of activations, a multiple of 3) is run through every tile.
        var tokenBlock = Math.Max(3, 192 * 1024 / (_k * sizeof(float)) / 3 * 3);
        for (var b0 = 0; b0 < _tokens; b0 += tokenBlock)
        {
            var b1 = Math.Min(b0 + tokenBlock, _tokens);
            var full = b0 + (b1 - b0) / 3 * 3;
            for (var r = r0; r < r1; r += 4)
            {
                var rows = Math.Min(4, r1 - r);
                for (var t = b0; t < full; t += 3)
                {
                    if (rows == 4)
                    {
                        Tile4x3(r, t);
                    }
                    else
                    {
                        for (var rr = r; rr < r + rows; rr++)
                        {
                            for (var u = t; u < t + 3; u++)
                            {
                                Store(rr, u, Dot(_w + rr * _rowBytes, _x + (nint)u * _k));
                            }
                        }
                    }
                }
                for (var t = full; t < b1; t++)
                {
                    if (rows == 4)
                    {
                        Tile4x1(r, t);
                    }
                    else
                    {
                        for (var rr = r; rr < r + rows; rr++)
                        {
                            Store(rr, t, Dot(_w + rr * _rowBytes, _x + (nint)t * _k));
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(int row, int token, float dot) =>
        _y[(nint)token * _n + row] = _bias == null ? dot : dot + _bias[row];

    // Decode GEMV: 4 weight rows against one token. The accumulation order per output (8-lane partial sums,
    // then the lane sum, then the scalar tail) is the same in every tile, so a row's result does not depend on
    // how many tokens share the batch: batched and one-at-a-time runs agree bit for bit.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Tile4x1(int r, int t)
    {
        byte* w0 = _w + r * _rowBytes, w1 = w0 + _rowBytes, w2 = w1 + _rowBytes, w3 = w2 + _rowBytes;
        var x = _x + (nint)t * _k;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        nint i = 0, k = _k;
        for (; i + 8 <= k; i += 8)
        {
            var xa = Vector256.Load(x + i);
            a0 = Vector256.FusedMultiplyAdd(TLoader.Load8(w0, i), xa, a0);
            a1 = Vector256.FusedMultiplyAdd(TLoader.Load8(w1, i), xa, a1);
            a2 = Vector256.FusedMultiplyAdd(TLoader.Load8(w2, i), xa, a2);
            a3 = Vector256.FusedMultiplyAdd(TLoader.Load8(w3, i), xa, a3);
        }
        float s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
        for (; i < k; i++)
        {
            var xi = x[i];
            s0 += TLoader.Load1(w0, i) * xi;
            s1 += TLoader.Load1(w1, i) * xi;
            s2 += TLoader.Load1(w2, i) * xi;
            s3 += TLoader.Load1(w3, i) * xi;
        }
        Store(r, t, s0);
        Store(r + 1, t, s1);
        Store(r + 2, t, s2);
        Store(r + 3, t, s3);
    }

    // Prefill GEMM micro-kernel: 4 weight rows × 3 tokens; each loaded weight vector feeds 3 FMAs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Tile4x3(int r, int t)
    {
        byte* w0 = _w + r * _rowBytes, w1 = w0 + _rowBytes, w2 = w1 + _rowBytes, w3 = w2 + _rowBytes;
        float* x0 = _x + (nint)t * _k, x1 = x0 + _k, x2 = x1 + _k;
        Vector256<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        nint i = 0, k = _k;
        for (; i + 8 <= k; i += 8)
        {
            var v0 = Vector256.Load(x0 + i);
            var v1 = Vector256.Load(x1 + i);
            var v2 = Vector256.Load(x2 + i);
            var w = TLoader.Load8(w0, i);
            c00 = Vector256.FusedMultiplyAdd(w, v0, c00);
            c01 = Vector256.FusedMultiplyAdd(w, v1, c01);
            c02 = Vector256.FusedMultiplyAdd(w, v2, c02);
            w = TLoader.Load8(w1, i);
            c10 = Vector256.FusedMultiplyAdd(w, v0, c10);
            c11 = Vector256.FusedMultiplyAdd(w, v1, c11);
            c12 = Vector256.FusedMultiplyAdd(w, v2, c12);
            w = TLoader.Load8(w2, i);
            c20 = Vector256.FusedMultiplyAdd(w, v0, c20);
            c21 = Vector256.FusedMultiplyAdd(w, v1, c21);
            c22 = Vector256.FusedMultiplyAdd(w, v2, c22);
            w = TLoader.Load8(w3, i);
            c30 = Vector256.FusedMultiplyAdd(w, v0, c30);
            c31 = Vector256.FusedMultiplyAdd(w, v1, c31);
            c32 = Vector256.FusedMultiplyAdd(w, v2, c32);
        }
        Finish(r, t, i, w0, x0, x1, x2, c00, c01, c02);
        Finish(r + 1, t, i, w1, x0, x1, x2, c10, c11, c12);
        Finish(r + 2, t, i, w2, x0, x1, x2, c20, c21, c22);
        Finish(r + 3, t, i, w3, x0, x1, x2, c30, c31, c32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Finish(int r, int t, nint i, byte* w, float* x0, float* x1, float* x2,
        Vector256<float> c0, Vector256<float> c1, Vector256<float> c2)
    {
        float s0 = Vector256.Sum(c0), s1 = Vector256.Sum(c1), s2 = Vector256.Sum(c2);
        for (; i < _k; i++)
        {
            var wi = TLoader.Load1(w, i);
            s0 += wi * x0[i];
            s1 += wi * x1[i];
            s2 += wi * x2[i];
        }
        Store(r, t, s0);
        Store(r, t + 1, s1);
        Store(r, t + 2, s2);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Dot(byte* w, float* x)
    {
        var acc = Vector256<float>.Zero;
        nint i = 0, k = _k;
        for (; i + 8 <= k; i += 8)
        {
            acc = Vector256.FusedMultiplyAdd(TLoader.Load8(w, i), Vector256.Load(x + i), acc);
        }
        var s = Vector256.Sum(acc);
        for (; i < k; i++)
        {
            s += TLoader.Load1(w, i) * x[i];
        }
        return s;
    }
}
