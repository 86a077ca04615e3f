using FsCheck;
using FsCheck.Fluent;
using Kernels.Cpu;

namespace Kernels.Tests;

/// <summary>
/// Property: for any int inputs, the compiled kernel run on the CPU executor computes exactly what .NET
/// computes for the same C# (arithmetic, division, shifts, compares, narrowing, conversions, min/max).
/// </summary>
public sealed class ScalarOpsPropertyTests
{
    private static readonly CompiledKernel Kernel = KernelCompiler.Compile(typeof(ExecutorKernels).GetMethod(nameof(ExecutorKernels.ScalarOps))!);

    [Fact]
    public void CompiledKernel_MatchesDotNet_ForAnyInputs()
    {
        var runtime = new CpuRuntime();
        var pairs = ArbMap.Default.ArbFor<(int, int)[]>();
        Prop.ForAll(pairs, input =>
        {
            if (input.Length == 0)
            {
                return true;
            }
            var n = input.Length;
            using var a = runtime.Allocate<int>(n);
            using var b = runtime.Allocate<int>(n);
            using var ints = runtime.Allocate<int>(n * ExecutorKernels.IntOutputs);
            using var floats = runtime.Allocate<float>(n * ExecutorKernels.FloatOutputs);
            a.CopyFromHost([.. input.Select(p => p.Item1)]);
            b.CopyFromHost([.. input.Select(p => p.Item2)]);
            runtime.Launch(Kernel, (n + 31) / 32, 32, 0, a.View, b.View, ints.View, floats.View);
            var actualInts = new int[n * ExecutorKernels.IntOutputs];
            var actualFloats = new float[n * ExecutorKernels.FloatOutputs];
            ints.CopyToHost(actualInts);
            floats.CopyToHost(actualFloats);
            for (var i = 0; i < n; i++)
            {
                var (expectedInts, expectedFloats) = ExecutorKernels.ScalarOpsReference(input[i].Item1, input[i].Item2);
                Assert.Equal(expectedInts, actualInts.AsSpan(i * ExecutorKernels.IntOutputs, ExecutorKernels.IntOutputs).ToArray());
                Assert.Equal(expectedFloats, actualFloats.AsSpan(i * ExecutorKernels.FloatOutputs, ExecutorKernels.FloatOutputs).ToArray());
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60).WithReplay(1234, 5679));
    }

    [Fact]
    public void CompiledKernel_MatchesDotNet_AtIntegerEdges()
    {
        var runtime = new CpuRuntime();
        int[] edges = [0, 1, -1, 2, 7, 31, 32, int.MaxValue, int.MinValue, 65535, -65536, 123456789];
        var pairs = edges.SelectMany(x => edges.Select(y => (x, y))).ToArray();
        var n = pairs.Length;
        using var a = runtime.Allocate<int>(n);
        using var b = runtime.Allocate<int>(n);
        using var ints = runtime.Allocate<int>(n * ExecutorKernels.IntOutputs);
        using var floats = runtime.Allocate<float>(n * ExecutorKernels.FloatOutputs);
        a.CopyFromHost([.. pairs.Select(p => p.x)]);
        b.CopyFromHost([.. pairs.Select(p => p.y)]);
        runtime.Launch(Kernel, (n + 31) / 32, 32, 0, a.View, b.View, ints.View, floats.View);
        var actualInts = new int[n * ExecutorKernels.IntOutputs];
        var actualFloats = new float[n * ExecutorKernels.FloatOutputs];
        ints.CopyToHost(actualInts);
        floats.CopyToHost(actualFloats);
        for (var i = 0; i < n; i++)
        {
            var (expectedInts, expectedFloats) = ExecutorKernels.ScalarOpsReference(pairs[i].x, pairs[i].y);
            Assert.Equal(expectedInts, actualInts.AsSpan(i * ExecutorKernels.IntOutputs, ExecutorKernels.IntOutputs).ToArray());
            Assert.Equal(expectedFloats, actualFloats.AsSpan(i * ExecutorKernels.FloatOutputs, ExecutorKernels.FloatOutputs).ToArray());
        }
    }
}
