using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Kernels.Language;

namespace Engine.Backends.Cpu;

/// <summary>Head sizes with a register-resident attention kernel: head_dim / 16 Vector512 per head.</summary>
internal readonly struct HeadDim64 : IConst
{
    public static int Value => 64;
}

internal readonly struct HeadDim128 : IConst
{
    public static int Value => 128;
}

/// <summary>
/// One (query row, head) of causal attention for a head size known at JIT time: q and the output accumulator stay
/// in Vector512 registers for the whole context (4 for head_dim 64, 8 for 128), so each key costs its loads and
/// FMAs only; the generic path of <see cref="PagedAttention"/> read-modify-writes the output row in memory per key,
/// a store-to-load chain that dominated prefill attention. Keys and values are read through
/// <typeparamref name="TLoader"/> (the cache's dtype, widened to float32 in registers).
/// </summary>
internal static unsafe class AttentionHead<THeadDim, TLoader>
    where THeadDim : struct, IConst
    where TLoader : struct, IWeightLoader
{
    /// <param name="q">The query head (head_dim floats), already RoPE-rotated.</param>
    /// <param name="keys">Key cache of the layer (<see cref="CpuKvCache"/>'s head-major pools): slot j of block b,
    /// this KV head, at element headOffset + b·blockStride + j·head_dim.</param>
    /// <param name="table">The sequence's block table.</param>
    /// <param name="scores">Scratch of at least position + 1 floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* q, byte* keys, byte* values, int blockStride, int headOffset, ReadOnlySpan<int> table,
        int blockSize, int position, float scale, float* scores, float* output)
    {
        var n = THeadDim.Value / 16;
        Vector512<float> q0 = Vector512.Load(q), q1 = Vector512.Load(q + 16), q2 = Vector512.Load(q + 32), q3 = Vector512.Load(q + 48);
        Vector512<float> q4 = default, q5 = default, q6 = default, q7 = default;
        if (n == 8)
        {
            q4 = Vector512.Load(q + 64);
            q5 = Vector512.Load(q + 80);
            q6 = Vector512.Load(q + 96);
            q7 = Vector512.Load(q + 112);
        }

        // scores[t] = q · k_t / sqrt(head_dim), t = 0..pos, one block of the table at a time. (Reducing 16 keys'
        // products together with shuffles instead of one horizontal sum per key measured slower: 10-25 % at 896
        // tokens of context.)
        var size = THeadDim.Value * TLoader.ElementSize;
        for (var t0 = 0; t0 <= position; t0 += blockSize)
        {
            var block = keys + ((((nint)table[t0 / blockSize] * blockStride) + headOffset) * TLoader.ElementSize);
            var count = Math.Min(blockSize, position + 1 - t0);
            for (var j = 0; j < count; j++)
            {
                scores[t0 + j] = Vector512.Sum(Products(block, j, size, n, q0, q1, q2, q3, q4, q5, q6, q7)) * scale;
            }
        }

        // softmax over the context
        var s = new Span<float>(scores, position + 1);
        TensorPrimitives.SoftMax(s, s);

        // out = Σ_t scores[t] · v_t
        Vector512<float> o0 = default, o1 = default, o2 = default, o3 = default, o4 = default, o5 = default, o6 = default, o7 = default;
        for (var t0 = 0; t0 <= position; t0 += blockSize)
        {
            var block = values + ((((nint)table[t0 / blockSize] * blockStride) + headOffset) * TLoader.ElementSize);
            var count = Math.Min(blockSize, position + 1 - t0);
            for (var j = 0; j < count; j++)
            {
                var v = block + ((nint)j * THeadDim.Value * TLoader.ElementSize);
                var p = Vector512.Create(scores[t0 + j]);
                o0 = Vector512.FusedMultiplyAdd(p, TLoader.Load16(v, 0), o0);
                o1 = Vector512.FusedMultiplyAdd(p, TLoader.Load16(v, 16), o1);
                o2 = Vector512.FusedMultiplyAdd(p, TLoader.Load16(v, 32), o2);
                o3 = Vector512.FusedMultiplyAdd(p, TLoader.Load16(v, 48), o3);
                if (n == 8)
                {
                    o4 = Vector512.FusedMultiplyAdd(p, TLoader.Load16(v, 64), o4);
                    o5 = Vector512.FusedMultiplyAdd(p, TLoader.Load16(v, 80), o5);
                    o6 = Vector512.FusedMultiplyAdd(p, TLoader.Load16(v, 96), o6);
                    o7 = Vector512.FusedMultiplyAdd(p, TLoader.Load16(v, 112), o7);
                }
            }
        }
        o0.Store(output);
        o1.Store(output + 16);
        o2.Store(output + 32);
        o3.Store(output + 48);
        if (n == 8)
        {
            o4.Store(output + 64);
            o5.Store(output + 80);
            o6.Store(output + 96);
            o7.Store(output + 112);
        }
    }

    // key j's lane-wise products with q, folded to 16 lanes (their sum is q · k_j)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Products(byte* block, int j, int size, int n, Vector512<float> q0, Vector512<float> q1, Vector512<float> q2,
        Vector512<float> q3, Vector512<float> q4, Vector512<float> q5, Vector512<float> q6, Vector512<float> q7)
    {
        var k = block + ((nint)j * size);
        var a = Vector512.FusedMultiplyAdd(q1, TLoader.Load16(k, 16), q0 * TLoader.Load16(k, 0));
        var b = Vector512.FusedMultiplyAdd(q3, TLoader.Load16(k, 48), q2 * TLoader.Load16(k, 32));
        if (n == 8)
        {
            a = Vector512.FusedMultiplyAdd(q5, TLoader.Load16(k, 80), Vector512.FusedMultiplyAdd(q4, TLoader.Load16(k, 64), a));
            b = Vector512.FusedMultiplyAdd(q7, TLoader.Load16(k, 112), Vector512.FusedMultiplyAdd(q6, TLoader.Load16(k, 96), b));
        }
        return a + b;
    }
}
