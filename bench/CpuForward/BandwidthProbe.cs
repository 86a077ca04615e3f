using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Bench.CpuForward;

/// <summary>
/// The memory roofline's denominator: how fast <c>threads</c> threads can stream a 1 GiB buffer (far beyond the
/// 32 MiB L3), read-only, as a decode GEMV streams its weights. Every <see cref="ReadVariant"/> runs on dedicated
/// threads pinned one per CPU (sched_setaffinity; unpinned where that fails), released together; a pass's time
/// runs from the first thread's start to the last one's end. The roofline is the best variant's best pass, in
/// GB/s (10^9 bytes). A second buffer advised into transparent huge pages (madvise) tells whether TLB misses on
/// 4 KiB pages cost anything; it is reported beside the variants, not taken as the roofline, since the weights
/// are file pages (the page cache gives 4 KiB pages) for our engine and llama.cpp alike.
/// </summary>
internal sealed unsafe partial class BandwidthProbe : IDisposable
{
    private const int HugePageBytes = 2 << 20;
    private const int MadvHugePage = 14;

    private readonly nint _bytes;
    private readonly byte* _data;
    private readonly byte* _huge;
    private readonly bool _hugeAdvised;

    public BandwidthProbe(long bytes)
    {
        _bytes = (nint)bytes;
        _data = Allocate(_bytes);
        _huge = Allocate(_bytes);
        _hugeAdvised = madvise(_huge, (nuint)_bytes, MadvHugePage) == 0;
        Fill(_data, _bytes);
        Fill(_huge, _bytes);
    }

    /// <summary>Whether the threads could be pinned (the last measurement).</summary>
    public bool Pinned { get; private set; }

    /// <summary>Whether the kernel accepted the huge-page advice for the second buffer.</summary>
    public bool HugePagesAdvised => _hugeAdvised;

    /// <summary>GB/s of each variant (best of <paramref name="passes"/>) and of Unroll8 on the huge-page buffer.</summary>
    public (Dictionary<ReadVariant, double> Variants, double HugePages) Measure(int threads, int passes = 3)
    {
        var variants = new Dictionary<ReadVariant, double>();
        foreach (var variant in Enum.GetValues<ReadVariant>())
        {
            variants[variant] = Best(_data, variant, threads, passes);
        }
        return (variants, Best(_huge, ReadVariant.Unroll8, threads, passes));
    }

    /// <summary>GB/s of the best variant, one pass each, over memory outside the probe's buffers (the decode's own
    /// memory-mapped weights: the same file pages the GEMVs stream); the start is rounded up to a cache line. A pass
    /// reads the region as many times as it takes to cover the probe's own size: the best of short passes catches
    /// the shared machine's short bursts and overstates what a long decode can sustain.</summary>
    public double BestOver(byte* data, nint bytes, int threads)
    {
        var start = (byte*)(((nint)data + 63) & ~(nint)63);
        var length = bytes - (nint)(start - data);
        var repeats = (int)Math.Max(1, (_bytes + length - 1) / length);
        return Enum.GetValues<ReadVariant>().Max(variant => Pass(start, length, variant, threads, repeats));
    }

    private double Best(byte* buffer, ReadVariant variant, int threads, int passes)
    {
        var best = 0.0;
        for (var pass = 0; pass < passes; pass++)
        {
            best = Math.Max(best, Pass(buffer, _bytes, variant, threads, 1));
        }
        return best;
    }

    private double Pass(byte* buffer, nint bytes, ReadVariant variant, int threads, int repeats)
    {
        var per = bytes / threads / ReadLoops.ClaimBytes * ReadLoops.ClaimBytes;
        var blocks = per * threads / ReadLoops.ClaimBytes;
        var starts = new long[threads];
        var ends = new long[threads];
        var pinned = new bool[threads];
        var next = -1;
        using var go = new ManualResetEventSlim(false);
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var index = t;
            workers[t] = new Thread(() =>
            {
                pinned[index] = Pin(index % Environment.ProcessorCount);
                go.Wait();
                starts[index] = Stopwatch.GetTimestamp();
                if (variant == ReadVariant.Claimed)
                {
                    int block;
                    while ((block = Interlocked.Increment(ref next)) < blocks * repeats)
                    {
                        ReadLoops.Read(variant, buffer + ((nint)(block % blocks) * ReadLoops.ClaimBytes), ReadLoops.ClaimBytes);
                    }
                }
                else
                {
                    for (var r = 0; r < repeats; r++)
                    {
                        ReadLoops.Read(variant, buffer + (index * per), per);
                    }
                }
                ends[index] = Stopwatch.GetTimestamp();
            });
            workers[t].Start();
        }
        Thread.Sleep(20);   // every thread pinned and waiting
        go.Set();
        foreach (var worker in workers)
        {
            worker.Join();
        }
        Pinned = pinned.All(p => p);
        var seconds = (double)(ends.Max() - starts.Min()) / Stopwatch.Frequency;
        return (double)per * threads * repeats / seconds / 1e9;
    }

    private static bool Pin(int cpu)
    {
        if (!OperatingSystem.IsLinux() || cpu >= 64)
        {
            return false;
        }
        var mask = 1UL << cpu;
        return sched_setaffinity(0, sizeof(ulong), &mask) == 0;
    }

    private static byte* Allocate(nint bytes) => (byte*)NativeMemory.AlignedAlloc((nuint)bytes, HugePageBytes);

    private static void Fill(byte* p, nint bytes)
    {
        for (nint o = 0; o < bytes; o += int.MaxValue)
        {
            new Span<byte>(p + o, (int)Math.Min(bytes - o, int.MaxValue)).Fill(1);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint cpusetsize, ulong* mask);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);

    public void Dispose()
    {
        NativeMemory.AlignedFree(_data);
        NativeMemory.AlignedFree(_huge);
    }
}
