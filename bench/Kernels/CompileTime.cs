using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using ILGPU;
using ILGPU.Runtime;
using Kernels;
using Kernels.Ptx;
using Kernels.SelfTest;

namespace Bench.Kernels;

/// <summary>
/// Kernel compile time per catalogued kernel instantiation, and host cost per launch, without a GPU:
/// PTX by ILGPU's PTXBackend offline (cold: the first compile of that kernel in the process, the first kernel
/// also paying for JIT-compiling ILGPU; warm: median of repeated uncached compiles; cached: the
/// <see cref="PtxCompiler.Compile"/> lookup), and the CPU accelerator's first load of each kernel. Host cost per
/// launch: the cached launcher lookup (<see cref="KernelContext.Load{T1,T2,T3}"/>) and one launch + synchronize
/// of a 1-group kernel on the CPU accelerator (a simulator: this is its cost, not a GPU's).
/// Usage: <c>dotnet run -c Release --project bench -- compile-time [--repeat N]</c>; writes bench/results/kernel-compile.md.
/// </summary>
public static class CompileTime
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var repeat = args.Length >= 2 && args[0] == "--repeat" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var rows = new List<(string Name, double Cold, double Warm, double Cached, double CpuLoad, int PtxLines)>();
        using var cpu = KernelContext.CreateCpu();
        foreach (var kernel in KernelCatalog.All)
        {
            var clock = Stopwatch.StartNew();
            var ptx = PtxCompiler.CompileUncached(kernel.Method, PtxTarget.Sm80);
            var cold = clock.Elapsed.TotalMilliseconds;
            var samples = new double[repeat];
            for (var i = 0; i < repeat; i++)
            {
                clock.Restart();
                PtxCompiler.CompileUncached(kernel.Method, PtxTarget.Sm80);
                samples[i] = clock.Elapsed.TotalMilliseconds;
            }
            Array.Sort(samples);
            PtxCompiler.Compile(kernel.Method, PtxTarget.Sm80);
            clock.Restart();
            PtxCompiler.Compile(kernel.Method, PtxTarget.Sm80);
            var cached = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            cpu.Preload(kernel.Method);
            var cpuLoad = clock.Elapsed.TotalMilliseconds;
            rows.Add((kernel.Name, cold, samples[repeat / 2], cached, cpuLoad, ptx.Split('\n').Length));
        }
        var (lookupNs, launchUs) = LaunchCost(cpu);

        var text = new StringBuilder();
        text.AppendLine("# Kernel compile time and host cost per launch (ILGPU 1.5.3)");
        text.AppendLine();
        MachineInfo.AppendHeader(text, "compile-time", args);
        text.AppendLine("- no GPU on this machine: PTX is compiled offline (PTXBackend, ISA 7.8, sm_80); loads and launches are on ILGPU's CPU accelerator.");
        text.AppendLine("- the machine is shared with other jobs: single numbers are noisy.");
        text.AppendLine();
        text.AppendLine("| kernel | PTX cold ms | PTX warm ms (median) | PTX cached ms | CPU accelerator first load ms | PTX lines |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name} | {row.Cold:F2} | {row.Warm:F2} | {row.Cached:F4} | {row.CpuLoad:F2} | {row.PtxLines} |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"PTX warm median over all kernels: {rows.Select(r => r.Warm).Order().ElementAt(rows.Count / 2):F2} ms; worst warm: {rows.Max(r => r.Warm):F2} ms.");
        text.AppendLine();
        text.AppendLine("Host cost per launch:");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- cached launcher lookup (`KernelContext.Load`, a dictionary hit by method): {lookupNs:F1} ns (best of 5 rounds of 100 000)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- one launch + synchronize of VectorAdd (1 group of 64 threads) on the CPU accelerator: {launchUs:F1} µs (median of 200); the GPU's launch latency, plain and from a CUDA graph, is measured by `bench/Kernels/run-gpu-bandwidth.sh` when a device is lent.");
        var path = Path.Combine("bench", "results", "kernel-compile.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ToString());
        Console.Write(text);
        return 0;
    }

    private static (double LookupNs, double LaunchUs) LaunchCost(KernelContext cpu)
    {
        using var a = cpu.Accelerator.Allocate1D<float>(64);
        using var c = cpu.Accelerator.Allocate1D<float>(64);
        using var stream = cpu.CreateStream();
        // One lookup is below the clock's resolution: time 100 000 and divide, best of 5 rounds.
        const int lookupsPerRound = 100_000;
        var lookups = new double[5];
        var clock = new Stopwatch();
        for (var round = 0; round < lookups.Length; round++)
        {
            clock.Restart();
            for (var i = 0; i < lookupsPerRound; i++)
            {
                _ = cpu.Load(VectorAdd.Entry);
            }
            lookups[round] = clock.Elapsed.TotalNanoseconds / lookupsPerRound;
        }
        var launch = cpu.Load(VectorAdd.Entry);
        var config = new KernelConfig(1, 64);
        var launches = new double[200];
        for (var i = 0; i < launches.Length; i++)
        {
            clock.Restart();
            launch(stream, config, a.View, a.View, c.View);
            stream.Synchronize();
            launches[i] = clock.Elapsed.TotalMicroseconds;
        }
        Array.Sort(lookups);
        Array.Sort(launches);
        return (lookups[0], launches[launches.Length / 2]);
    }
}
