using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using Kernels;
using Kernels.Ptx;
using Kernels.SelfTest;

namespace Bench.Kernels;

/// <summary>
/// Kernel compile time (IL → IR → passes → PTX) per self-test kernel: cold is the first compile of that kernel
/// in the process (the first kernel also pays for JIT-compiling the compiler), warm is the median of repeated
/// uncached compiles; cached is a <see cref="KernelCompiler.Compile(System.Reflection.MethodInfo, PtxTarget?)"/> lookup.
/// Usage: <c>dotnet run -c Release --project bench -- compile-time [--repeat N]</c>; writes bench/results/kernel-compile.md.
/// </summary>
public static class CompileTime
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var repeat = args.Length >= 2 && args[0] == "--repeat" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var rows = new List<(string Name, double Cold, double Warm, double Best, double Cached, int PtxLines)>();
        foreach (var method in KernelCatalog.All)
        {
            var clock = Stopwatch.StartNew();
            var kernel = KernelCompiler.CompileUncached(method, PtxTarget.Sm80);
            var cold = clock.Elapsed.TotalMilliseconds;
            var samples = new double[repeat];
            for (var i = 0; i < repeat; i++)
            {
                clock.Restart();
                KernelCompiler.CompileUncached(method, PtxTarget.Sm80);
                samples[i] = clock.Elapsed.TotalMilliseconds;
            }
            Array.Sort(samples);
            KernelCompiler.Compile(method);
            clock.Restart();
            KernelCompiler.Compile(method);
            var cached = clock.Elapsed.TotalMilliseconds;
            rows.Add((kernel.EntryName, cold, samples[repeat / 2], samples[0], cached, kernel.Ptx.Split('\n').Length));
        }
        var text = new StringBuilder();
        text.AppendLine("# Kernel compile time");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- date: {MachineInfo.Date} UTC");
        text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {MachineInfo.Cores} cores, {MachineInfo.CpuModel("unknown CPU")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- command: `dotnet run -c Release --project bench -- compile-time --repeat {repeat}`");
        text.AppendLine("- the machine is shared with other jobs: treat single numbers as noisy; the goal is warm < 20 ms per kernel.");
        text.AppendLine();
        text.AppendLine("| kernel | cold ms | warm ms (median) | warm ms (best) | cached ms | PTX lines |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name} | {row.Cold:F2} | {row.Warm:F2} | {row.Best:F2} | {row.Cached:F4} | {row.PtxLines} |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Warm median over all kernels: {rows.Select(r => r.Warm).Order().ElementAt(rows.Count / 2):F2} ms; worst warm: {rows.Max(r => r.Warm):F2} ms.");
        var path = Path.Combine("bench", "results", "kernel-compile.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ToString());
        Console.Write(text);
        return 0;
    }
}
