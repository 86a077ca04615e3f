using System.Diagnostics;

namespace Kernels.SelfTest;

/// <summary>
/// The kernel self-test suite (what <c>engine kernels --self-test</c> runs): each case loads its kernels on the
/// given context, runs them on fixed-seed inputs, and compares with a plain C# reference.
/// </summary>
public static class KernelSelfTest
{
    public static IReadOnlyList<KernelSelfTestCase> Cases { get; } =
    [
        new("vector-add", c => { foreach (var n in new[] { 1, 63, 64, 65, 200 }) VectorAdd.Check(c, n); }),
        new("block-reduce", c => { BlockReduce.Check<Size64>(c, 100); BlockReduce.Check<Size256>(c, 600); }),
        new("warp-reduce", c => { foreach (var n in new[] { 1, 17, 70 }) WarpReduce.Check(c, n); }),
        new("histogram", c => { Histogram.Check(c, 5); Histogram.Check(c, 1000); }),
        new("atomics", c => Atomics.Check(c, 77)),
        new("tiled-matmul", c => { TiledMatmul.Check<Size8>(c, 13, 9, 17); TiledMatmul.Check<Size16>(c, 16, 20, 5); }),
        new("conversions", c => Conversions.Check(c, 150)),
        new("vector-loads", c => { VectorLoads.Check(c, 3); VectorLoads.Check(c, 130); }),
        new("grid-stride-copy", c => GridStrideCopy.Check(c, 4 * 1000, 3)),
        new("ldmatrix", LoadMatrix.Check),
        new("mma-bf16", c => MmaTile.Check(c, bf16: true)),
        new("mma-f16", c => MmaTile.Check(c, bf16: false)),
        new("radix-select", c => { RadixSelect.Check(c, 300, 37); RadixSelect.Check(c, 1000, 1000); }),
        new("math", c => MathFunctions.Check(c, 70)),
        new("specialisation", c => Specialisation.Check(c, 101)),
    ];

    /// <summary>Runs every case (or those whose name contains <paramref name="filter"/>) and reports each; never throws for a failing case.</summary>
    public static IReadOnlyList<KernelSelfTestResult> Run(KernelContext context, string? filter = null) => Run(context, Cases, filter);

    /// <summary>Runs <paramref name="cases"/> on <paramref name="context"/>: a mismatch, a compile error or a device error fails that case only.</summary>
    public static IReadOnlyList<KernelSelfTestResult> Run(KernelContext context, IEnumerable<KernelSelfTestCase> cases, string? filter = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cases);
        var results = new List<KernelSelfTestResult>();
        foreach (var test in cases)
        {
            if (filter is not null && !test.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var clock = Stopwatch.StartNew();
            try
            {
                test.Run(context);
                results.Add(new KernelSelfTestResult(test.Name, true, null, clock.Elapsed));
            }
            catch (Exception error) when (error is SelfTestFailure or Ptx.KernelCompileException or ILGPU.InternalCompilerException or NotSupportedException or ILGPU.Runtime.AcceleratorException)
            {
                results.Add(new KernelSelfTestResult(test.Name, false, error.Message, clock.Elapsed));
            }
        }
        return results;
    }
}
