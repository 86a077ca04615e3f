using System.Globalization;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Bench.Common;

/// <summary>
/// The one BenchmarkDotNet runner of the micro-benchmark suites (<c>cpu-kernels</c>, <c>host-micro</c>): in process,
/// BenchmarkDotNet's short-run job (3 warm-ups, 3 iterations: the machine is shared, so a run compares benchmarks
/// against each other, not against older runs), each class's GitHub-markdown table under its own heading in
/// bench/results/&lt;suite&gt;.md. Extra arguments go to BenchmarkDotNet (e.g. <c>--filter *Gemv*</c>).
/// </summary>
public static class DotNetBenchmarks
{
    public static int Run(string suite, string title, Type[] benchmarks, IEnumerable<string> notes, string[] args)
    {
        var output = Path.Combine("bench", "results", $"{suite}.md");
        var loadBefore = MachineInfo.LoadAverage();
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddExporter(MarkdownExporter.GitHub)
            .WithOptions(ConfigOptions.DisableLogFile);
        var filtered = args.Contains("--filter") ? args : [.. args, "--filter", "*"];
        var summaries = BenchmarkSwitcher.FromTypes(benchmarks).Run(filtered, config).ToList();

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {suite}: {title}");
        text.AppendLine();
        MachineInfo.AppendHeader(text, suite, args);
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average at the start: {loadBefore}");
        text.AppendLine("- BenchmarkDotNet ShortRun job in process; NOISY: the machine is shared, compare rows of this run only.");
        foreach (var note in notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }
        foreach (var summary in summaries)
        {
            var logger = new AccumulationLogger();
            MarkdownExporter.GitHub.ExportToLog(summary, logger);
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {summary.BenchmarksCases.FirstOrDefault()?.Descriptor.Type.Name}");
            text.AppendLine();
            text.AppendLine(logger.GetLog().Trim());
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, text.ToString());
        Console.WriteLine($"written to {output}");
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}
