using System.Globalization;
using System.Text;

namespace Bench.Server;

/// <summary>Percentiles and the markdown report of a load run (machine, date, command included).</summary>
internal static class LoadReport
{
    public static string Render(LoadOptions o, string model, IReadOnlyList<RequestSample> samples, TimeSpan wall, string[] args)
    {
        var ok = samples.Where(s => s.Ok).ToList();
        var ttft = ok.Where(s => s.ChunkTimes.Count > 0).Select(s => s.ChunkTimes[0].TotalMilliseconds).Order().ToArray();
        var itl = ok.SelectMany(s => s.ChunkTimes.Zip(s.ChunkTimes.Skip(1), (a, b) => (b - a).TotalMilliseconds)).Order().ToArray();
        var tokens = ok.Sum(s => s.Tokens);
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append("# server-load\n\n");
        text.Append(inv, $"- date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC\n");
        text.Append(inv, $"- machine: {Environment.ProcessorCount} cores, {CpuModel()}\n");
        text.Append(inv, $"- command: `dotnet run -c Release --project bench -- server-load {string.Join(' ', args.Where(a => a != o.Key))}`\n");
        text.Append(inv, $"- target: {o.Url}, model `{model}`, {o.Clients} concurrent {(o.Stream ? "streaming" : "non-streaming")} clients, {o.Requests} requests after {o.Warmup} warm-up, max_tokens {o.MaxTokens} (ignore_eos)\n");
        text.Append(inv, $"- note: shared, noisy machine (load average {LoadAverage()} at the end); the client runs on the same host as the server.\n\n");
        text.Append("| metric | value |\n|---|---|\n");
        text.Append(inv, $"| requests ok / failed | {ok.Count} / {samples.Count - ok.Count} |\n");
        text.Append(inv, $"| wall time | {wall.TotalSeconds:F2} s |\n");
        text.Append(inv, $"| requests/s | {ok.Count / wall.TotalSeconds:F2} |\n");
        text.Append(inv, $"| output tokens/s | {tokens / wall.TotalSeconds:F1} |\n");
        var latency = ok.Select(s => s.Total.TotalMilliseconds).Order().ToArray();
        text.Append(inv, $"| request latency mean / p50 / p99 | {(latency.Length == 0 ? 0 : latency.Average()):F2} / {Pct(latency, 50):F2} / {Pct(latency, 99):F2} ms |\n");
        if (o.Stream)
        {
            text.Append(inv, $"| TTFT p50 / p99 | {Pct(ttft, 50):F1} / {Pct(ttft, 99):F1} ms |\n");
            text.Append(inv, $"| inter-token latency mean / p50 / p99 | {(itl.Length == 0 ? 0 : itl.Average()):F2} / {Pct(itl, 50):F2} / {Pct(itl, 99):F2} ms |\n");
        }
        return text.ToString();
    }

    /// <summary>Nearest-rank percentile of sorted values (0 when empty).</summary>
    public static double Pct(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static string ResultsDirectory()
    {
        // The repository root is above the working directory (dotnet run) or the binaries.
        foreach (var start in (ReadOnlySpan<string>)[Directory.GetCurrentDirectory(), AppContext.BaseDirectory])
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "bench", "results"))) return Path.Combine(dir.FullName, "bench", "results");
        }
        return Directory.GetCurrentDirectory();
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
