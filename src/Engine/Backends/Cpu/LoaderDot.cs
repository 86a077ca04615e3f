using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu;

/// <summary>
/// w · x over k elements, w in a loader's dtype, x float32: 16-lane partial sums over the even 16-element blocks and
/// over the odd ones (two FMA chains, so the 4-cycle FMA latency does not cap a memory-bound loop), their sum reduced,
/// then the scalar tail. The decode GEMV's inner loop and the order every <see cref="MatMul{TLoader}"/> kernel sums
/// in (their results agree bit for bit); attention's generic head sizes use it for q · k.
/// </summary>
internal static unsafe class LoaderDot
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot<TLoader>(byte* w, float* x, nint k)
        where TLoader : struct, IWeightLoader
    {
        Vector512<float> even = default, odd = default;
        nint i = 0;
        for (; i + 32 <= k; i += 32)
        {
            even = Vector512.FusedMultiplyAdd(TLoader.Load16(w, i), Vector512.Load(x + i), even);
            odd = Vector512.FusedMultiplyAdd(TLoader.Load16(w, i + 16), Vector512.Load(x + i + 16), odd);
        }
        if (i + 16 <= k)
        {
            even = Vector512.FusedMultiplyAdd(TLoader.Load16(w, i), Vector512.Load(x + i), even);
            i += 16;
        }
        var s = Vector512.Sum(even + odd);
        for (; i < k; i++)
        {
            s += TLoader.Load1(w, i) * x[i];
        }
        return s;
    }
}
