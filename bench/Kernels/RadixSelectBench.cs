using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.RadixSortOperations;
using ILGPU.Runtime;
using Kernels;
using Kernels.SelfTest;

namespace Bench.Kernels;

/// <summary>
/// The k-th largest logit two ways, on the same accelerator in the same run: our one-group radix select
/// (<see cref="RadixSelect"/>, 4 passes of 8 bits over the input) and ILGPU.Algorithms' radix sort (a full
/// descending sort, then element k-1). Both answers are checked against a host sort. Without a GPU this runs on
/// ILGPU's CPU accelerator, a simulator: the ratio says which does less simulated work, not which is faster on
/// a GPU (that comparison waits for a device: run with <c>--device cuda</c>).
/// Usage: <c>dotnet run -c Release --project bench -- radix-select [--device cpu|cuda] [--repeat N]</c>.
/// </summary>
public static class RadixSelectBench
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var device = KernelDevice.Cpu;
        var repeat = 5;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--device":
                    device = args[i + 1] == "cuda" ? KernelDevice.Cuda : KernelDevice.Cpu;
                    break;
                case "--repeat":
                    repeat = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"radix-select: unknown option {args[i]}");
                    return 2;
            }
        }
        using var context = KernelContext.Create(device);
        var accelerator = context.Accelerator;
        using var stream = context.CreateStream();
        var sort = accelerator.CreateRadixSort<float, Stride1D.Dense, DescendingFloat>();
        var rows = new List<(int N, int K, double Select, double Sort)>();
        foreach (var (n, k) in new[] { (4096, 50), (32_000, 50), (32_000, 1000) })
        {
            var random = new Random(n + k);
            var logits = Enumerable.Range(0, n).Select(_ => (random.NextSingle() * 20f) - 10f).ToArray();
            var expected = logits.OrderByDescending(v => v).ElementAt(k - 1);
            using var x = accelerator.Allocate1D(logits);
            using var result = accelerator.Allocate1D<float>(1);
            using var sorted = accelerator.Allocate1D<float>(n);
            using var temp = accelerator.Allocate1D<int>(accelerator.ComputeRadixSortTempStorageSize<float, DescendingFloat>(n));
            var select = Median(repeat, () =>
            {
                RadixSelect.Select(context, stream, x.View, result.View, k);
                stream.Synchronize();
            });
            Check(result.GetAsArray1D()[0], expected, "radix select", n, k);
            var fullSort = Median(repeat, () =>
            {
                x.View.CopyTo(stream, sorted.View);
                sort(stream, sorted.View, temp.View);
                stream.Synchronize();
            });
            Check(sorted.View.SubView(k - 1, 1).GetAsArray1D()[0], expected, "radix sort", n, k);
            rows.Add((n, k, select, fullSort));
        }

        var text = new StringBuilder();
        text.AppendLine("# k-th largest: our radix select vs ILGPU.Algorithms radix sort");
        text.AppendLine();
        MachineInfo.AppendHeader(text, "radix-select", args);
        text.AppendLine(CultureInfo.InvariantCulture, $"- accelerator: {accelerator.Name} ({context.Name}); median of {repeat} runs, launch + synchronize, inputs uniform in [-10, 10).");
        if (!context.IsCuda)
        {
            text.AppendLine("- the CPU accelerator simulates every GPU thread: these ratios rank the simulated work, not GPU speed. The GPU comparison waits for a device (`-- radix-select --device cuda`).");
        }
        text.AppendLine();
        text.AppendLine("| n | k | radix select ms | radix sort ms | sort / select |");
        text.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.N} | {row.K} | {row.Select:F2} | {row.Sort:F2} | {row.Sort / row.Select:F2} |");
        }
        var suffix = context.IsCuda ? "-cuda" : "";
        var path = Path.Combine("bench", "results", $"radix-select{suffix}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ToString());
        Console.Write(text);
        return 0;
    }

    private static void Check(float actual, float expected, string what, int n, int k)
    {
        if (!actual.Equals(expected))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{what}: {k}-th largest of {n} is {actual}, expected {expected}."));
        }
    }

    private static double Median(int repeat, Action run)
    {
        run();
        var samples = new double[repeat];
        for (var i = 0; i < repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            samples[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(samples);
        return samples[repeat / 2];
    }
}
