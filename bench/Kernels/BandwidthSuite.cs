using System.Globalization;
using System.Text.Json;
using Kernels;
using Kernels.Cuda;
using Kernels.Language;

namespace Bench.Kernels;

/// <summary>
/// Device-to-device copy bandwidth through our CUDA host: <see cref="BandwidthCopyKernel.Copy"/> written in C# and
/// compiled by our C#→PTX compiler for the device's SM (launched through <see cref="CudaKernelRuntime"/>), the
/// hand-written <c>copy_v4</c> PTX kernel, and the driver's own <c>cuMemcpyDtoDAsync</c> as a yardstick.
/// Prints one JSON object per implementation, in the shape <c>torch_copy_bandwidth.py</c> prints, so
/// <c>run-gpu-bandwidth.sh</c> can set them side by side. Bandwidth counts bytes read plus bytes written:
/// GB/s = 2 × bytes / seconds / 10^9.
/// </summary>
/// <remarks>Usage: <c>bandwidth [--sizes-mb 64,128,256,512,1024] [--iters 20] [--warmup 3] [--device 0]</c>.</remarks>
public static class BandwidthSuite
{
    private const int BlockSize = 256;

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
        if (!CudaDriver.TryInitialize(out var reason))
        {
            Console.Error.WriteLine("bandwidth: CUDA is not available: " + reason);
            return 1;
        }

        var device = CudaDevice.Get(options.Device);
        using var context = CudaContext.CreatePrimary(device);
        using var module = CudaModule.LoadPtx(context, ReadPtx());
        var copy = module.GetFunction("copy_v4");
        using var stream = CudaStream.Create(context);
        using var start = CudaEvent.Create(context);
        using var end = CudaEvent.Create(context);
        using var runtime = new CudaKernelRuntime(context);
        var compiled = runtime.Compile(typeof(BandwidthCopyKernel).GetMethod(nameof(BandwidthCopyKernel.Copy))!);

        var ours = new List<Measurement>();
        var kernel = new List<Measurement>();
        var memcpy = new List<Measurement>();
        foreach (var megabytes in options.SizesMb)
        {
            var bytes = (long)megabytes << 20;
            using var source = DeviceBuffer<byte>.Allocate(context, bytes);
            using var destination = DeviceBuffer<byte>.Allocate(context, bytes);
            // Everything runs on the one non-blocking stream, which does not wait for the legacy default stream.
            source.Fill32Async(0x01020304, stream);
            destination.ClearAsync(stream);

            // Enough resident blocks to fill every SM (8 × 256 threads = 2048, the per-SM thread limit on
            // sm_80/sm_90); the grid-stride loop covers the rest.
            var grid = Math.Min(Dim3.BlocksFor(bytes / 16, BlockSize), device.MultiprocessorCount * 8);
            var n4 = (ulong)(bytes / 16);
            // The C# kernel indexes words with int (ArrayView's length): keep i + stride below 2^31.
            if (bytes / 4 > 1 << 30)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{megabytes} MiB is over the 4096 MiB the C# copy kernel indexes."));
            }
            var words = (int)(bytes / 4);
            var parameters = compiled.FlattenArguments([
                new ArrayView<uint>((nint)source.Pointer, words),
                new ArrayView<uint>((nint)destination.Pointer, words)]);
            ours.Add(Time(options, bytes, start, end, stream, () => runtime.Enqueue(compiled, grid, BlockSize, 0, parameters, stream)));
            Verify(destination, bytes);

            destination.ClearAsync(stream);
            kernel.Add(Time(options, bytes, start, end, stream, () =>
            {
                var launch = new KernelArguments();
                launch.Add(destination);
                launch.Add(source);
                launch.Add(n4);
                copy.Launch(grid, BlockSize, 0, stream, in launch);
            }));
            Verify(destination, bytes);

            destination.ClearAsync(stream);
            memcpy.Add(Time(options, bytes, start, end, stream, () => destination.CopyFromAsync(source, stream)));
            Verify(destination, bytes);
        }

        WriteJson("csharp-compiled-copy", device, ours);
        WriteJson("csharp-ptx-copy_v4", device, kernel);
        WriteJson("csharp-cuMemcpyDtoD", device, memcpy);
        return 0;
    }

    private static Measurement Time(BandwidthOptions options, long bytes, CudaEvent start, CudaEvent end, CudaStream stream, Action step)
    {
        for (var i = 0; i < options.Warmup; i++)
        {
            step();
        }
        start.Record(stream);
        for (var i = 0; i < options.Iterations; i++)
        {
            step();
        }
        end.Record(stream);
        end.Synchronize();
        var ms = CudaEvent.ElapsedMilliseconds(start, end) / options.Iterations;
        return new Measurement(bytes, options.Iterations, ms, 2.0 * bytes / (ms / 1e3) / 1e9);
    }

    /// <summary>The timed copy must have moved the pattern: check the first and last 64 KiB (the tails a bad grid misses).</summary>
    private static void Verify(DeviceBuffer<byte> destination, long bytes)
    {
        const int window = 64 * 1024;
        var sample = new uint[window / 4];
        var bytesView = System.Runtime.InteropServices.MemoryMarshal.AsBytes(sample.AsSpan());
        foreach (var offset in (long[])[0, bytes - window])
        {
            destination.CopyTo(bytesView, offset);
            foreach (var word in sample)
            {
                if (word != 0x01020304)
                {
                    throw new InvalidOperationException(
                        string.Create(CultureInfo.InvariantCulture, $"Copy of {bytes} bytes left 0x{word:X8} near byte {offset}: the kernel did not copy everything."));
                }
            }
        }
    }

    private static void WriteJson(string implementation, CudaDevice device, List<Measurement> results)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stdout))
        {
            json.WriteStartObject();
            json.WriteString("impl", implementation);
            json.WriteString("device", device.Name);
            json.WriteNumber("peak_gbps", Math.Round(device.PeakMemoryBandwidthGBps, 1));
            json.WriteStartArray("results");
            foreach (var r in results)
            {
                json.WriteStartObject();
                json.WriteNumber("bytes", r.Bytes);
                json.WriteNumber("iters", r.Iterations);
                json.WriteNumber("ms", Math.Round(r.Milliseconds, 4));
                json.WriteNumber("gbps", Math.Round(r.GBps, 1));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stdout.WriteByte((byte)'\n');
    }

    private static string ReadPtx()
    {
        using var stream = typeof(BandwidthSuite).Assembly.GetManifestResourceStream("Bench.Kernels.BandwidthCopy.ptx")
            ?? throw new InvalidOperationException("The embedded resource Bench.Kernels.BandwidthCopy.ptx is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private readonly record struct Measurement(long Bytes, int Iterations, double Milliseconds, double GBps);
}
