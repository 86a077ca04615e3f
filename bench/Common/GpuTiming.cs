using System.Diagnostics;
using System.Text.Json.Nodes;
using ILGPU.Runtime;

namespace Bench.Common;

/// <summary>The GPU suites' shared measurement and yardstick plumbing.</summary>
public static class GpuTiming
{
    /// <summary>
    /// Seconds per call of <paramref name="launch"/>: <paramref name="warmups"/> untimed calls (kernels compile, caches
    /// fill), then <paramref name="iters"/> timed by the host clock with one synchronize at the end, so launches queue
    /// back to back as in a forward pass.
    /// </summary>
    public static double SecondsPerCall(AcceleratorStream stream, int warmups, int iters, Action launch)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(launch);
        for (var i = 0; i < warmups; i++)
        {
            launch();
        }
        stream.Synchronize();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iters; i++)
        {
            launch();
        }
        stream.Synchronize();
        return clock.Elapsed.TotalSeconds / iters;
    }

    /// <summary>The JSON objects of a yardstick script's output (lines starting with '{'); none when <paramref name="path"/> is null or absent.</summary>
    public static List<JsonObject> ReadJsonLines(string? path) =>
        path is not null && File.Exists(path)
            ? [.. File.ReadLines(path).Where(l => l.TrimStart().StartsWith('{')).Select(l => JsonNode.Parse(l)!.AsObject())]
            : [];

    /// <summary>Ends a results file with its raw JSON rows (ours, then the yardstick's), writes it to bench/results/<paramref name="fileName"/> and prints it.</summary>
    public static void WriteResults(System.Text.StringBuilder text, IEnumerable<JsonObject> rows, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.AppendLine();
        text.AppendLine("Raw JSON:");
        text.AppendLine();
        text.AppendLine("```");
        foreach (var row in rows)
        {
            text.AppendLine(row.ToJsonString());
        }
        text.AppendLine("```");
        Directory.CreateDirectory("bench/results");
        File.WriteAllText(Path.Combine("bench/results", fileName), text.ToString());
        Console.WriteLine(text);
    }

    /// <summary>
    /// Starts a GPU results file: its title, then the date, the GPU and the yardstick's torch version (from its
    /// first row), the host, and the commands (ours and the yardstick script, both run by bench/gpu/run.sh).
    /// </summary>
    public static System.Text.StringBuilder StartResults(string title, string device, List<JsonObject> torch, string suite, string[] args, string script)
    {
        ArgumentNullException.ThrowIfNull(torch);
        ArgumentNullException.ThrowIfNull(args);
        var text = new System.Text.StringBuilder();
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        text.AppendLine(title);
        text.AppendLine();
        text.AppendLine(invariant, $"- Date: {MachineInfo.Date} UTC");
        text.AppendLine(invariant, $"- GPU: {device}; torch {torch.FirstOrDefault()?["torch"]?.GetValue<string>() ?? "not run"}");
        text.AppendLine(invariant, $"- Host: {MachineInfo.CpuModel()}, {MachineInfo.Cores} cores, load average {MachineInfo.LoadAverage()}");
        text.AppendLine(invariant, $"- Commands: `Bench {suite} {string.Join(' ', args)}` and `python3 {script}` (both from `bash bench/gpu/run.sh`)");
        return text;
    }
}
