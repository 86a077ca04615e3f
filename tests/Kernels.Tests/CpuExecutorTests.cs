using Kernels.Cpu;

namespace Kernels.Tests;

/// <summary>The CPU executor runs the compiled IR with device semantics and reports what a device would fault on.</summary>
public sealed class CpuExecutorTests
{
    private static CompiledKernel Compile(string name) => KernelCompiler.Compile(typeof(ExecutorKernels).GetMethod(name)!);

    [Fact]
    public void Throws_WhenKernelWritesPastTheBuffer()
    {
        var runtime = new CpuRuntime();
        using var y = runtime.Allocate<float>(10);
        var error = Assert.Throws<KernelExecutionException>(() => runtime.Launch(Compile(nameof(ExecutorKernels.WritesPastEnd)), 1, 32, 0, y.View));
        Assert.Contains("buffer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenWarpCollectiveIsInDivergentBranches()
    {
        var runtime = new CpuRuntime();
        using var y = runtime.Allocate<int>(32);
        var error = Assert.Throws<KernelExecutionException>(() => runtime.Launch(Compile(nameof(ExecutorKernels.ShufflesInDivergentBranch)), 1, 32, 0, y.View));
        Assert.Contains("different barriers or warp collectives", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenVectorLoadIsMisaligned()
    {
        var runtime = new CpuRuntime();
        using var x = runtime.Allocate<float>(8);
        using var y = runtime.Allocate<float>(1);
        var error = Assert.Throws<KernelExecutionException>(() => runtime.Launch(Compile(nameof(ExecutorKernels.MisalignedVectorLoad)), 1, 1, 0, x.View, y.View));
        Assert.Contains("misaligned", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShuffleFromExitedLane_ReturnsOwnValue()
    {
        var runtime = new CpuRuntime();
        using var y = runtime.Allocate<int>(8);
        runtime.Launch(Compile(nameof(ExecutorKernels.ExitedLanesKeepOwnValue)), 1, 32, 0, y.View);
        var values = new int[8];
        y.CopyToHost(values);
        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 70], values);
    }

    [Fact]
    public void TwoDimensionalGrid_GivesEveryThreadItsCoordinates()
    {
        var runtime = new CpuRuntime();
        using var y = runtime.Allocate<int>(6 * 4);
        runtime.Launch(Compile(nameof(ExecutorKernels.TwoDimensionalIndices)), new Dim3(2, 2), new Dim3(3, 2), 0, y.View);
        var values = new int[24];
        y.CopyToHost(values);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (i / 6 * 1000) + (i % 6)), values);
    }

    [Fact]
    public void DynamicSharedMemory_HasTheLaunchSize()
    {
        var runtime = new CpuRuntime();
        using var x = runtime.Allocate<float>(48);
        using var y = runtime.Allocate<float>(48);
        x.CopyFromHost([.. Enumerable.Range(0, 48).Select(i => (float)i)]);
        runtime.Launch(Compile(nameof(ExecutorKernels.DynamicShared)), 1, 48, 48 * sizeof(float), x.View, y.View);
        var values = new float[48];
        y.CopyToHost(values);
        Assert.Equal(Enumerable.Range(0, 48).Select(i => 47f - i), values);
    }

    [Fact]
    public void Throws_WhenArgumentsDoNotMatchTheKernel()
    {
        var runtime = new CpuRuntime();
        using var y = runtime.Allocate<int>(1);
        Assert.Throws<ArgumentException>(() => runtime.Launch(Compile(nameof(ExecutorKernels.WritesPastEnd)), 1, 1, 0, y.View));
        Assert.Throws<ArgumentException>(() => runtime.Launch(Compile(nameof(ExecutorKernels.WritesPastEnd)), 1, 1, 0));
    }

    [Fact]
    public void StructsRefsAndOutParameters_BehaveAsInDotNet()
    {
        var runtime = new CpuRuntime();
        float[] input = [0.25f, -1.5f, 3f, 2.75f, -0.5f, -0.5f];
        using var x = runtime.Allocate<float>(input.Length);
        using var y = runtime.Allocate<float>(18);
        x.CopyFromHost(input);
        runtime.Launch(Compile(nameof(ExecutorKernels.StructsAndRefs)), 1, 32, 0, x.View, y.View);
        var actual = new float[18];
        y.CopyToHost(actual);
        var expected = new List<float>();
        for (var i = 0; i < 3; i++)
        {
            var (a, b) = (input[2 * i], input[(2 * i) + 1]);
            var whole = (int)(a * 10f);
            expected.AddRange([MathF.Min(a, b), MathF.Max(a, b), MathF.Abs(a - b), b, whole, (a * 10f) - whole]);
        }
        Assert.Equal(expected, actual);
    }
}
