using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using Engine.Model;

namespace Bench.CpuForward;

/// <summary>
/// <c>cpu-decode-profile</c>: where a CPU decode step of the 110M Llama shape (the <c>cpu-forward</c> checkpoint)
/// spends its time. Every backend call is timed through <see cref="TimedBackend"/>; GEMVs are grouped by weight
/// shape and shown with the GB/s they stream, beside the bandwidth probe measured in the same run; "model host
/// code" is the step's wall time not spent inside a backend call (the model's own bookkeeping and the argmax).
/// Rounds alternate with the probe; the round with the median step time is reported.
/// Writes bench/results/cpu-decode-profile.md.
/// <c>--context N</c> decodes after an N-token prompt (attention over a long cache); <c>--kv-cache-dtypes f32,bf16</c>
/// profiles each KV cache element type.
/// usage: cpu-decode-profile [--dtypes f32,bf16] [--kv-cache-dtypes f32] [--context 0] [--threads 2] [--rounds 5]
/// [--decode 64] [--out PATH]
/// </summary>
public static class CpuDecodeProfile
{
    private sealed record Round(double StepSeconds, Dictionary<string, (long Ticks, long Calls, long Bytes)> Ops, double Probe);

    public static int Run(string[] args)
    {
        var dtypes = BenchArgs.Arg(args, "--dtypes", "f32,bf16").Split(',').Select(d => Enum.Parse<DType>(d, ignoreCase: true)).ToArray();
        var threads = int.Parse(BenchArgs.Arg(args, "--threads", "2"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(BenchArgs.Arg(args, "--rounds", "5"), CultureInfo.InvariantCulture);
        var decode = int.Parse(BenchArgs.Arg(args, "--decode", "64"), CultureInfo.InvariantCulture);
        var kvDTypes = BenchArgs.Arg(args, "--kv-cache-dtypes", "f32").Split(',').Select(d => Enum.Parse<DType>(d, ignoreCase: true)).ToArray();
        var contextTokens = int.Parse(BenchArgs.Arg(args, "--context", "0"), CultureInfo.InvariantCulture);
        int[]? context = contextTokens > 0
            ? [.. Enumerable.Range(0, contextTokens).Select(i => 3 + (i * 7919 % (CpuForwardBench.Shape110M.VocabSize - 3)))]
            : null;
        var output = BenchArgs.Arg(args, "--out", Path.Combine("bench", "results", "cpu-decode-profile.md"));
        var loadBefore = MachineInfo.LoadAverage();
        var text = new StringBuilder();
        text.AppendLine("# cpu-decode-profile: one CPU decode step of the 110M Llama shape, op by op");
        text.AppendLine();
        MachineInfo.AppendHeader(text, "cpu-decode-profile", args);
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average at the start: {loadBefore}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- {threads} threads; {decode} greedy single-token steps {(context is null ? "from an empty cache" : $"after a {contextTokens}-token prompt (prefill not timed)")} per round, {rounds} rounds after a warm-up round, each followed by the bandwidth probe (best read variant of `cpu-bandwidth`); the round with the median step time is shown");
        text.AppendLine("- each backend call is timed from the model's side (worker-pool hand-off included); a GEMV's GB/s = its weight bytes ÷ its time; \"model host code\" = step time outside backend calls");
        text.AppendLine("- NOISY: the machine is shared; compare rows of one run only.");

        using var probe = new BandwidthProbe(1L << 30);
        foreach (var dtype in dtypes)
        {
            var dir = Path.Combine(Path.GetTempPath(), $"cpu-decode-profile-{dtype}-{Environment.ProcessId}");
            try
            {
                CpuForwardBench.Prepare(dir, dtype, gguf: false);
                foreach (var kvDType in kvDTypes)
                {
                    TimedBackend? timed = null;
                    using var runner = new EngineRunner(dir, threads, Math.Max(decode, contextTokens), b => timed = new TimedBackend(b)
                    {
                        WeightElementSize = dtype == DType.F32 ? 4 : 2,
                    }, kvDType);
                    var measured = new List<Round>();
                    for (var round = 0; round <= rounds; round++)
                    {
                        var seconds = runner.Decode(decode, context, beforeTimed: () => timed!.Reset());
                        var bw = probe.Measure(threads).Variants.Values.Max();
                        if (round > 0)
                        {
                            measured.Add(new Round(seconds / decode, new(timed!.Totals), bw));
                        }
                    }
                    var median = measured.OrderBy(r => r.StepSeconds).ElementAt(measured.Count / 2);
                    var label = kvDTypes.Length > 1 || kvDType != DType.F32 || context is not null
                        ? $"{dtype}, KV cache {kvDType}{(context is null ? "" : $", context {contextTokens}")}"
                        : dtype.ToString();
                    AppendTable(text, label, median, decode);
                    Console.WriteLine($"{label}: {median.StepSeconds * 1e3:F2} ms/token, probe {median.Probe:F1} GB/s");
                }
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, text.ToString());
        Console.WriteLine($"written to {output}");
        return 0;
    }

    private static void AppendTable(StringBuilder text, string label, Round round, int tokens)
    {
        var step = round.StepSeconds;
        double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency / tokens;
        var inside = round.Ops.Values.Sum(o => Seconds(o.Ticks));
        var gemvBytes = round.Ops.Values.Sum(o => o.Bytes) / tokens;
        var gemvSeconds = round.Ops.Where(o => o.Value.Bytes > 0).Sum(o => Seconds(o.Value.Ticks));
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"## {label}: {step * 1e3:F2} ms per token ({1 / step:F1} tok/s); probe {round.Probe:F1} GB/s; GEMVs {gemvBytes / 1e6:F0} MB in {gemvSeconds * 1e3:F2} ms = {gemvBytes / gemvSeconds / 1e9:F1} GB/s ({gemvBytes / gemvSeconds / 1e9 / round.Probe:P0} of the probe)");
        text.AppendLine();
        text.AppendLine("| op | ms per token | share of the step | calls per token | µs per call | GB/s |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var (op, (ticks, calls, bytes)) in round.Ops.OrderByDescending(o => o.Value.Ticks))
        {
            var s = Seconds(ticks);
            var gbs = bytes > 0 ? (bytes / (double)tokens / s / 1e9).ToString("F1", CultureInfo.InvariantCulture) : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {op} | {s * 1e3:F3} | {s / step:P1} | {calls / (double)tokens:F0} | {s * 1e6 * tokens / calls:F1} | {gbs} |");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"| model host code | {(step - inside) * 1e3:F3} | {(step - inside) / step:P1} | | | |");
    }
}
