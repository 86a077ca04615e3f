using System.Diagnostics;

namespace Kernels.SelfTest;

/// <summary>
/// The kernel self-test suite (what <c>engine kernels --self-test</c> runs): each case compiles its kernels,
/// runs them on the given runtime on fixed-seed inputs, and compares with a plain C# reference.
/// </summary>
public static class KernelSelfTest
{
    public static IReadOnlyList<KernelSelfTestCase> Cases { get; } =
    [
        new("vector-add", r => { foreach (var n in new[] { 1, 63, 64, 65, 200 }) VectorAdd.Check(r, n); }),
        new("block-reduce", r => { BlockReduce.Check<Size64>(r, 100); BlockReduce.Check<Size256>(r, 600); }),
        new("warp-reduce", r => { foreach (var n in new[] { 1, 17, 70 }) WarpReduce.Check(r, n); }),
        new("histogram", r => { Histogram.Check(r, 5); Histogram.Check(r, 1000); }),
        new("atomics", r => Atomics.Check(r, 77)),
        new("tiled-matmul", r => { TiledMatmul.Check<Size8>(r, 13, 9, 17); TiledMatmul.Check<Size16>(r, 16, 20, 5); }),
        new("conversions", r => Conversions.Check(r, 150)),
        new("vector-loads", r => { VectorLoads.Check(r, 3); VectorLoads.Check(r, 130); }),
        new("mma-bf16", r => MmaTile.Check(r, bf16: true)),
        new("mma-f16", r => MmaTile.Check(r, bf16: false)),
        new("radix-select", r => { RadixSelect.Check(r, 300, 37); RadixSelect.Check(r, 1000, 1000); }),
        new("math", r => MathFunctions.Check(r, 70)),
        new("specialisation", r => Specialisation.Check(r, 101)),
    ];

    /// <summary>Runs every case (or those whose name contains <paramref name="filter"/>) and reports each; never throws for a failing case.</summary>
    public static IReadOnlyList<KernelSelfTestResult> Run(IKernelRuntime runtime, string? filter = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var results = new List<KernelSelfTestResult>();
        foreach (var test in Cases)
        {
            if (filter is not null && !test.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var clock = Stopwatch.StartNew();
            try
            {
                test.Run(runtime);
                results.Add(new KernelSelfTestResult(test.Name, true, null, clock.Elapsed));
            }
            catch (Exception error) when (error is SelfTestFailure or KernelCompilationException or KernelExecutionException or Cuda.CudaException)
            {
                results.Add(new KernelSelfTestResult(test.Name, false, error.Message, clock.Elapsed));
            }
        }
        return results;
    }
}
