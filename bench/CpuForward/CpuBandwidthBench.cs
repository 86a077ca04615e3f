using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Model;

namespace Bench.CpuForward;

/// <summary>
/// <c>cpu-bandwidth</c>: every read variant of <see cref="BandwidthProbe"/> beside our decode GEMV (one token
/// through 48 matrices of 2048 × 768, 302 MB in F32, 151 MB in BF16: beyond L3, so weights come from memory),
/// interleaved round by round, so the GEMV's GB/s is read as a fraction of the best probe variant measured in the
/// same round. <c>--matrices 1</c> (6 MiB F32) keeps the weights in L3: the GEMV's compute ceiling rather than
/// memory's. Writes bench/results/cpu-bandwidth.md.
/// usage: cpu-bandwidth [--threads 1,2] [--rounds 3] [--matrices 48] [--out PATH]
/// </summary>
public static class CpuBandwidthBench
{
    private const int Dim = 768;
    private const int Hidden = 2048;
    private const int GemvCalls = 4;

    public static int Run(string[] args)
    {
        var threads = BenchArgs.Arg(args, "--threads", "1,2").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var rounds = int.Parse(BenchArgs.Arg(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        var matrices = int.Parse(BenchArgs.Arg(args, "--matrices", "48"), CultureInfo.InvariantCulture);
        var output = BenchArgs.Arg(args, "--out", Path.Combine("bench", "results", "cpu-bandwidth.md"));
        var loadBefore = MachineInfo.LoadAverage();
        using var probe = new BandwidthProbe(1L << 30);
        var lines = new List<string>();
        foreach (var t in threads)
        {
            using var f32 = new Gemv(t, DType.F32, matrices);
            using var bf16 = new Gemv(t, DType.BF16, matrices);
            for (var round = 0; round <= rounds; round++)   // round 0 warms up
            {
                var (variants, huge) = probe.Measure(t);
                var gf32 = f32.MeasureGBps();
                var gbf16 = bf16.MeasureGBps();
                if (round == 0)
                {
                    continue;
                }
                var best = variants.Values.Max();
                var cells = string.Join(" | ", variants.Values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)));
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"| {t} | {round} | {cells} | {huge:F1} | {gf32:F1} | {gf32 / best:P0} | {gbf16:F1} | {gbf16 / best:P0} |");
                Console.WriteLine(line);
                lines.Add(line);
            }
        }

        var text = new StringBuilder();
        text.AppendLine("# cpu-bandwidth: the roofline probe's read variants beside our decode GEMV, same rounds");
        text.AppendLine();
        MachineInfo.AppendHeader(text, "cpu-bandwidth", args);
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average at the start: {loadBefore}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- probe: 1 GiB, threads pinned: {probe.Pinned}, huge pages advised: {probe.HugePagesAdvised}; GB/s = 10^9 bytes/s, best of 3 passes per round");
        text.AppendLine("- variants: Plain4 = 4 Vector512 loads per iteration (the old probe); Unroll8 = 8 loads (8 lines); Streams4 = 4 quarters of the thread's range side by side; PrefetchT0 / PrefetchNta = Unroll8 with prefetcht0 / prefetchnta of every line 1 KiB ahead; Claimed = Unroll8 over 48 KiB blocks taken from a shared counter; HugePages = Unroll8 on a buffer advised into transparent huge pages (not a roofline: weights are 4 KiB file pages)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- GEMV: one token through {matrices} matrices of {Hidden} × {Dim} through CpuBackend.MatMul, {GemvCalls} passes per round; % = of the best probe variant in the same round");
        text.AppendLine("- NOISY: the machine is shared; compare numbers within a round.");
        text.AppendLine();
        text.AppendLine("| threads | round | " + string.Join(" | ", Enum.GetNames<ReadVariant>()) + " | HugePages | GEMV F32 GB/s | F32 % of best | GEMV BF16 GB/s | BF16 % of best |");
        text.AppendLine("|---|---|" + string.Concat(Enumerable.Repeat("---|", Enum.GetValues<ReadVariant>().Length)) + "---|---|---|---|---|");
        lines.ForEach(l => text.AppendLine(l));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, text.ToString());
        Console.WriteLine($"written to {output}");
        return 0;
    }

    private sealed class Gemv : IDisposable
    {
        private readonly CpuBackend _backend;
        private readonly IDeviceWeight[] _weights;
        private readonly IDeviceBuffer _x;
        private readonly IDeviceBuffer _y;
        private readonly long _bytes;

        public Gemv(int threads, DType dtype, int matrices)
        {
            _backend = new CpuBackend(threads);
            var random = new Random(1);
            var values = new float[Hidden * Dim];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(random.NextDouble() - 0.5);
            }
            _weights = [.. Enumerable.Range(0, matrices).Select(m => _backend.LoadWeight(WeightTensor.FromFloats($"w{m}", values, [Hidden, Dim], dtype)))];
            _x = _backend.AllocateBuffer(1, Dim);
            _y = _backend.AllocateBuffer(1, Hidden);
            _bytes = (long)matrices * Hidden * Dim * WeightTensor.ElementSize(dtype);
        }

        public double MeasureGBps()
        {
            var best = double.MaxValue;
            for (var call = 0; call < GemvCalls; call++)
            {
                var start = Stopwatch.GetTimestamp();
                foreach (var w in _weights)
                {
                    _backend.MatMul(_x, w, null, _y, 1);
                }
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            return _bytes / best / 1e9;
        }

        public void Dispose() => _backend.Dispose();
    }
}
