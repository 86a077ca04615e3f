using Kernels.Cpu;
using Kernels.SelfTest;

namespace Kernels.Tests;

public sealed class KernelSelfTestTests
{
    [Fact]
    public void Run_ReportsTheCasePassing_OnTheCpuExecutor()
    {
        var results = KernelSelfTest.Run(new CpuRuntime(), "vector-add");
        var result = Assert.Single(results);
        Assert.True(result.Passed, result.Message);
        Assert.Equal("vector-add", result.Name);
    }

    [Fact]
    public void Cases_HaveUniqueNames() =>
        Assert.Equal(KernelSelfTest.Cases.Count, KernelSelfTest.Cases.Select(c => c.Name).Distinct().Count());

    [Fact]
    public void Run_ReportsAFailure_WithoutThrowing()
    {
        var broken = new BrokenRuntime(new CpuRuntime());
        var results = KernelSelfTest.Run(broken, "vector-add");
        Assert.False(Assert.Single(results).Passed);
        Assert.Contains("element", results[0].Message, StringComparison.Ordinal);
    }

    /// <summary>A runtime that silently drops every launch, so results stay zero and the check must notice.</summary>
    private sealed class BrokenRuntime(IKernelRuntime inner) : IKernelRuntime
    {
        public string Name => "broken";

        public IDeviceBuffer<T> Allocate<T>(int length)
            where T : unmanaged => inner.Allocate<T>(length);

        public void Launch(CompiledKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, params object[] args)
        {
        }
    }
}
