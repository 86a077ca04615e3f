using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bench.CpuForward;

/// <summary>The ways <see cref="BandwidthProbe"/> reads memory; each is one loop in <see cref="ReadLoops"/>.</summary>
internal enum ReadVariant
{
    /// <summary>4 Vector512 loads (one 256-byte step) per iteration into 4 accumulators: the old probe.</summary>
    Plain4,

    /// <summary>8 loads (512 bytes, 8 cache lines) per iteration into 8 accumulators: more loads in flight.</summary>
    Unroll8,

    /// <summary>The thread's range cut into 4 quarters read side by side, 2 lines of each per iteration.</summary>
    Streams4,

    /// <summary><see cref="Unroll8"/> with a prefetcht0 of every line 1 KiB ahead.</summary>
    PrefetchT0,

    /// <summary><see cref="Unroll8"/> with a prefetchnta (non-temporal: no L2 allocation) of every line 1 KiB ahead.</summary>
    PrefetchNta,

    /// <summary><see cref="Unroll8"/>, but threads claim 48 KiB blocks from a shared counter (how the decode GEMV's
    /// workers take 16-row chunks) instead of one contiguous range each.</summary>
    Claimed,
}

/// <summary>
/// The probe's read loops. Each sums what it reads (and returns it) so the JIT cannot drop a load; the sum itself
/// is one add per load, far below what a core can do, so every loop is bound by how fast memory delivers.
/// </summary>
internal static unsafe class ReadLoops
{
    public const int ClaimBytes = 48 * 1024;

    private const int PrefetchDistance = 1024;

    public static float Read(ReadVariant variant, byte* p, nint bytes) => variant switch
    {
        ReadVariant.Plain4 => Plain4(p, bytes),
        ReadVariant.Streams4 => Streams4(p, bytes),
        ReadVariant.PrefetchT0 => Prefetched(p, bytes, nonTemporal: false),
        ReadVariant.PrefetchNta => Prefetched(p, bytes, nonTemporal: true),
        _ => Unroll8(p, bytes),
    };

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Plain4(byte* p, nint bytes)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var f = (float*)p;
        var n = bytes / sizeof(float);
        for (nint i = 0; i + 64 <= n; i += 64)
        {
            a0 += Vector512.LoadAligned(f + i);
            a1 += Vector512.LoadAligned(f + i + 16);
            a2 += Vector512.LoadAligned(f + i + 32);
            a3 += Vector512.LoadAligned(f + i + 48);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Unroll8(byte* p, nint bytes)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
        var f = (float*)p;
        var n = bytes / sizeof(float);
        for (nint i = 0; i + 128 <= n; i += 128)
        {
            a0 += Vector512.LoadAligned(f + i);
            a1 += Vector512.LoadAligned(f + i + 16);
            a2 += Vector512.LoadAligned(f + i + 32);
            a3 += Vector512.LoadAligned(f + i + 48);
            a4 += Vector512.LoadAligned(f + i + 64);
            a5 += Vector512.LoadAligned(f + i + 80);
            a6 += Vector512.LoadAligned(f + i + 96);
            a7 += Vector512.LoadAligned(f + i + 112);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Streams4(byte* p, nint bytes)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
        var quarter = bytes / 4 / 128 * 128;
        float* f0 = (float*)p, f1 = (float*)(p + quarter), f2 = (float*)(p + (2 * quarter)), f3 = (float*)(p + (3 * quarter));
        var n = quarter / sizeof(float);
        for (nint i = 0; i + 32 <= n; i += 32)
        {
            a0 += Vector512.LoadAligned(f0 + i);
            a1 += Vector512.LoadAligned(f0 + i + 16);
            a2 += Vector512.LoadAligned(f1 + i);
            a3 += Vector512.LoadAligned(f1 + i + 16);
            a4 += Vector512.LoadAligned(f2 + i);
            a5 += Vector512.LoadAligned(f2 + i + 16);
            a6 += Vector512.LoadAligned(f3 + i);
            a7 += Vector512.LoadAligned(f3 + i + 16);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Prefetched(byte* p, nint bytes, bool nonTemporal)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
        var end = p + bytes - 512;
        for (var q = p; q <= end; q += 512)
        {
            // prefetching past the end of the range is harmless: prefetches never fault
            var ahead = q + PrefetchDistance;
            if (nonTemporal)
            {
                Sse.PrefetchNonTemporal(ahead);
                Sse.PrefetchNonTemporal(ahead + 64);
                Sse.PrefetchNonTemporal(ahead + 128);
                Sse.PrefetchNonTemporal(ahead + 192);
                Sse.PrefetchNonTemporal(ahead + 256);
                Sse.PrefetchNonTemporal(ahead + 320);
                Sse.PrefetchNonTemporal(ahead + 384);
                Sse.PrefetchNonTemporal(ahead + 448);
            }
            else
            {
                Sse.Prefetch0(ahead);
                Sse.Prefetch0(ahead + 64);
                Sse.Prefetch0(ahead + 128);
                Sse.Prefetch0(ahead + 192);
                Sse.Prefetch0(ahead + 256);
                Sse.Prefetch0(ahead + 320);
                Sse.Prefetch0(ahead + 384);
                Sse.Prefetch0(ahead + 448);
            }
            var f = (float*)q;
            a0 += Vector512.LoadAligned(f);
            a1 += Vector512.LoadAligned(f + 16);
            a2 += Vector512.LoadAligned(f + 32);
            a3 += Vector512.LoadAligned(f + 48);
            a4 += Vector512.LoadAligned(f + 64);
            a5 += Vector512.LoadAligned(f + 80);
            a6 += Vector512.LoadAligned(f + 96);
            a7 += Vector512.LoadAligned(f + 112);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }
}
