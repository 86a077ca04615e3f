using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bench.CpuForward;

/// <summary>
/// The memory roofline's denominator: how fast <c>threads</c> threads can stream a buffer far larger than the
/// caches, each summing its half with Vector512 loads over 4 accumulators (a read-only loop, as a decode GEMV
/// reads its weights). Reports the best of several passes in GB/s (10^9 bytes).
/// </summary>
internal sealed unsafe class BandwidthProbe : IDisposable
{
    private readonly nint _bytes;
    private readonly float* _data;

    public BandwidthProbe(long bytes)
    {
        _bytes = (nint)bytes;
        _data = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)bytes, 64);
        new Span<byte>(_data, (int)Math.Min(bytes, int.MaxValue)).Fill(1);
        for (long o = int.MaxValue; o < bytes; o += int.MaxValue)
        {
            new Span<byte>((byte*)_data + o, (int)Math.Min(bytes - o, int.MaxValue)).Fill(1);
        }
    }

    public double MeasureGBps(int threads, int passes = 5)
    {
        var best = 0.0;
        var per = _bytes / threads / 256 * 256;
        for (var pass = 0; pass < passes; pass++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => Sum((byte*)_data + (t * per), per));
            best = Math.Max(best, per * threads / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Sum(byte* p, nint bytes)
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

    public void Dispose() => System.Runtime.InteropServices.NativeMemory.AlignedFree(_data);
}
