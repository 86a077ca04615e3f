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
/// a store-to-load chain that dominated prefill attention.
/// </summary>
internal static unsafe class AttentionHead<THeadDim>
    where THeadDim : struct, IConst
{
    /// <param name="q">The query head (head_dim floats), already RoPE-rotated.</param>
    /// <param name="keys">Key cache of the layer (<see cref="CpuKvCache"/>'s head-major blocks): slot j of block b,
    /// this KV head, at keys + b·blockStride + headOffset + j·head_dim.</param>
    /// <param name="table">The sequence's block table.</param>
    /// <param name="scores">Scratch of at least position + 1 floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* q, float* keys, float* values, int blockStride, int headOffset, ReadOnlySpan<int> table,
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

        // scores[t] = q · k_t / sqrt(head_dim), t = 0..pos, one block of the table at a time
        for (var t0 = 0; t0 <= position; t0 += blockSize)
        {
            var block = keys + ((nint)table[t0 / blockSize] * blockStride) + headOffset;
            var count = Math.Min(blockSize, position + 1 - t0);
            for (var j = 0; j < count; j++)
            {
                var k = block + ((nint)j * THeadDim.Value);
                var a = Vector512.FusedMultiplyAdd(q1, Vector512.Load(k + 16), q0 * Vector512.Load(k));
                var b = Vector512.FusedMultiplyAdd(q3, Vector512.Load(k + 48), q2 * Vector512.Load(k + 32));
                if (n == 8)
                {
                    a = Vector512.FusedMultiplyAdd(q5, Vector512.Load(k + 80), Vector512.FusedMultiplyAdd(q4, Vector512.Load(k + 64), a));
                    b = Vector512.FusedMultiplyAdd(q7, Vector512.Load(k + 112), Vector512.FusedMultiplyAdd(q6, Vector512.Load(k + 96), b));
                }
                scores[t0 + j] = Vector512.Sum(a + b) * scale;
            }
        }

        // softmax over the context
        var s = new Span<float>(scores, position + 1);
        TensorPrimitives.SoftMax(s, s);

        // out = Σ_t scores[t] · v_t
        Vector512<float> o0 = default, o1 = default, o2 = default, o3 = default, o4 = default, o5 = default, o6 = default, o7 = default;
        for (var t0 = 0; t0 <= position; t0 += blockSize)
        {
            var block = values + ((nint)table[t0 / blockSize] * blockStride) + headOffset;
            var count = Math.Min(blockSize, position + 1 - t0);
            for (var j = 0; j < count; j++)
            {
                var v = block + ((nint)j * THeadDim.Value);
                var p = Vector512.Create(scores[t0 + j]);
                o0 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v), o0);
                o1 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 16), o1);
                o2 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 32), o2);
                o3 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 48), o3);
                if (n == 8)
                {
                    o4 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 64), o4);
                    o5 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 80), o5);
                    o6 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 96), o6);
                    o7 = Vector512.FusedMultiplyAdd(p, Vector512.Load(v + 112), o7);
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
}
