using Kernels.SelfTest;

namespace Kernels.Tests;

[Collection(AcceleratorCollection.Name)]
public sealed class KernelSelfTestTests
{
    [Fact]
    public void Run_ReportsTheCasePassing_OnTheCpuAccelerator()
    {
        var result = Assert.Single(KernelSelfTest.Run(Backends.Get("cpu"), "vector-add"));
        Assert.True(result.Passed, result.Message);
        Assert.Equal("vector-add", result.Name);
    }

    [Fact]
    public void Cases_HaveUniqueNames() =>
        Assert.Equal(KernelSelfTest.Cases.Count, KernelSelfTest.Cases.Select(c => c.Name).Distinct().Count());

    [Fact]
    public void Run_ReportsAFailure_WithoutThrowing_AndGoesOn()
    {
        KernelSelfTestCase[] cases =
        [
            new("mismatch", c => Expect.Equal<int>([1, 2, 3], [1, 2, 4], "probe")),
            new("vector-add", c => VectorAdd.Check(c, 5)),
        ];
        var results = KernelSelfTest.Run(Backends.Get("cpu"), cases);
        Assert.Equal(2, results.Count);
        Assert.False(results[0].Passed);
        Assert.Equal("probe: element 2 is 4, expected 3.", results[0].Message);
        Assert.True(results[1].Passed, results[1].Message);
    }
}
