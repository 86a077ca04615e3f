using System.Globalization;
using System.Text;
using Bench.Common;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Bench.CpuKernels;

/// <summary>
/// <c>cpu-kernels</c>: BenchmarkDotNet micro-benchmarks of the CPU backend's kernels (<see cref="MatMulBenchmarks"/>,
/// <see cref="NormAttentionBenchmarks"/>), run in process with BenchmarkDotNet's short-run job (3 warm-ups, 3
/// iterations: the machine is shared, so these are for comparing kernels against each other in one run, not
/// absolute numbers). Extra arguments go to BenchmarkDotNet (e.g. <c>--filter *Gemv*</c>). Writes
/// bench/results/cpu-kernels.md.
/// </summary>
public static class CpuKernelsBench
{
    public static int Run(string[] args)
    {
        var output = Path.Combine("bench", "results", "cpu-kernels.md");
        var loadBefore = MachineInfo.LoadAverage();
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddExporter(MarkdownExporter.GitHub)
            .WithOptions(ConfigOptions.DisableLogFile);
        var filtered = args.Contains("--filter") ? args : [.. args, "--filter", "*"];
        var summaries = BenchmarkSwitcher.FromTypes([typeof(MatMulBenchmarks), typeof(NormAttentionBenchmarks)]).Run(filtered, config).ToList();

        var text = new StringBuilder();
        text.AppendLine("# cpu-kernels: BenchmarkDotNet micro-benchmarks of the CPU backend's kernels");
        text.AppendLine();
        MachineInfo.AppendHeader(text, "cpu-kernels", args);
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average at the start: {loadBefore}");
        text.AppendLine("- BenchmarkDotNet ShortRun job in process; NOISY: the machine is shared, compare rows of this run only.");
        text.AppendLine("- DecodeGemv reads 48 × 2048 × 768 weights per call (302 MB F32, 151 MB BF16): GB/s = those bytes ÷ Mean.");
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
