using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bench.Common;
using ILGPU;
using ILGPU.Runtime;
using Kernels;
using Kernels.Graphs;
using Kernels.Language;
using Kernels.SelfTest;

namespace Bench.Kernels;

/// <summary>
/// On a CUDA device: device-to-device copy bandwidth of <see cref="GridStrideCopy"/> (C#, compiled by
/// ILGPU) beside ILGPU's buffer copy (cuMemcpyDtoDAsync) as the yardstick, and the launch latency of a tiny
/// kernel plain vs replayed from a CUDA graph. Prints one JSON object per implementation in the shape
/// <c>torch_copy_bandwidth.py</c> prints, so <c>run-gpu-bandwidth.sh</c> can set them side by side.
/// GB/s = 2 × bytes / seconds / 10^9 (read plus write); times are host wall clock around N launches and one
/// synchronize, which for 64 MiB and up is the device time to within a launch.
/// </summary>
/// <remarks>Usage: <c>bandwidth [--sizes-mb 64,128,256,512,1024] [--iters 20] [--warmup 3] [--device 0]</c>.</remarks>
public static class BandwidthSuite
{
    private const int GroupSize = 256;

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        BandwidthOptions options;
        try
        {
            options = BandwidthOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine("bandwidth: " + e.Message);
            Console.Error.WriteLine("usage: bandwidth [--sizes-mb 64,128,256,512,1024] [--iters 20] [--warmup 3] [--device 0]");
            return 2;
        }
        if (!KernelContext.TryCreateCuda(out var context, out var reason))
        {
            Console.Error.WriteLine("bandwidth: CUDA is not available: " + reason);
            return 1;
        }
        using (context)
        {
            var accelerator = context.Accelerator;
            using var stream = context.CreateStream();
            var copy = context.Load(GridStrideCopy.Entry);
            var ours = new List<Measurement>();
            var memcpy = new List<Measurement>();
            foreach (var megabytes in options.SizesMb)
            {
                var bytes = (long)megabytes << 20;
                if (bytes / 4 > 1 << 30)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{megabytes} MiB is over the 4096 MiB the C# copy kernel indexes with int."));
                }
                var words = (int)(bytes / 4);
                using var source = accelerator.Allocate1D<uint>(words);
                using var destination = accelerator.Allocate1D<uint>(words);
                source.View.MemSet(stream, 0x5A);
                // Enough resident groups to fill every SM (8 × 256 threads); the grid-stride loop covers the rest.
                var groups = (int)Math.Min((bytes / 16 + GroupSize - 1) / GroupSize, accelerator.NumMultiprocessors * 8L);
                var src = GlobalView.Of(source);
                ours.Add(Time(options, bytes, stream, () => copy(stream, new KernelConfig(groups, GroupSize), src, destination.View)));
                Verify(destination, words, "C# copy");
                destination.View.MemSetToZero(stream);
                memcpy.Add(Time(options, bytes, stream, () => source.View.CopyTo(stream, destination.View)));
                Verify(destination, words, "ILGPU CopyTo");
            }
            WriteJson("csharp-ilgpu-copy", accelerator, ours);
            WriteJson("csharp-ilgpu-CopyTo", accelerator, memcpy);
            WriteLaunchLatency(context, stream, options);
        }
        return 0;
    }

    /// <summary>Mean time of one launch of a 1-group kernel: 8 launches per step, plain vs one graph replay per step.</summary>
    private static void WriteLaunchLatency(KernelContext context, AcceleratorStream stream, BandwidthOptions options)
    {
        const int launchesPerStep = 8;
        const int steps = 1000;
        using var a = context.Accelerator.Allocate1D<float>(256);
        using var c = context.Accelerator.Allocate1D<float>(256);
        var add = context.Load(VectorAdd.Entry);
        void Step(int size)
        {
            for (var i = 0; i < launchesPerStep; i++)
            {
                add(stream, new KernelConfig(1, 256), a.View, a.View, c.View);
            }
        }
        using var graphs = context.CreateStepGraphs(stream, new GraphBuckets([1]));
        double Measure(Action step) => GpuTiming.SecondsPerCall(stream, options.Warmup + 1, steps, step) * 1e6 / launchesPerStep;
        var plain = Measure(() => Step(1));
        var graphed = Measure(() => graphs.Run(1, Step));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            impl = "launch-latency",
            launches_per_step = launchesPerStep,
            plain_us = Math.Round(plain, 3),
            graph_us = Math.Round(graphed, 3),
            graph_failures = graphs.Failures.Values.ToArray(),
        }));
    }

    private static Measurement Time(BandwidthOptions options, long bytes, AcceleratorStream stream, Action step)
    {
        for (var i = 0; i < options.Warmup; i++)
        {
            step();
        }
        stream.Synchronize();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < options.Iterations; i++)
        {
            step();
        }
        stream.Synchronize();
        var ms = clock.Elapsed.TotalMilliseconds / options.Iterations;
        return new Measurement(bytes, options.Iterations, ms, 2.0 * bytes / (ms / 1e3) / 1e9);
    }

    /// <summary>The timed copy must have moved the pattern: check the first and last 64 KiB (the tails a bad grid misses).</summary>
    private static void Verify(MemoryBuffer1D<uint, Stride1D.Dense> destination, int words, string what)
    {
        const int window = 16 * 1024;
        foreach (var offset in (int[])[0, words - window])
        {
            var sample = destination.View.SubView(offset, window).GetAsArray1D();
            foreach (var word in sample)
            {
                if (word != 0x5A5A5A5A)
                {
                    throw new InvalidOperationException(
                        string.Create(CultureInfo.InvariantCulture, $"{what} of {words} words left 0x{word:X8} near word {offset}: the copy did not cover everything."));
                }
            }
        }
    }

    private static void WriteJson(string implementation, Accelerator accelerator, List<Measurement> results)
    {
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            impl = implementation,
            device = accelerator.Name,
            results = results.Select(r => new { bytes = r.Bytes, iters = r.Iterations, ms = Math.Round(r.Milliseconds, 4), gbps = Math.Round(r.GBps, 1) }),
        }));
    }

    private readonly record struct Measurement(long Bytes, int Iterations, double Milliseconds, double GBps);
}
