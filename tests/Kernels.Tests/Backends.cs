using Kernels.SelfTest;

namespace Kernels.Tests;

/// <summary>
/// The accelerators every kernel test runs on: ILGPU's CPU accelerator always, and "cuda" when a device of
/// sm_80 or newer is present. One context per accelerator for the whole run (kernels compile once); the tests
/// that use them share the <see cref="AcceleratorCollection"/>, so launches never overlap on one accelerator.
/// </summary>
public static class Backends
{
    private static readonly Lazy<KernelContext> Cpu = new(() => KernelContext.CreateCpu());

    private static readonly Lazy<(KernelContext? Context, string Reason)> Cuda = new(() =>
        KernelContext.TryCreateCuda(out var context, out var reason) ? (context, "") : (null, reason));

    /// <summary>Null when a CUDA device is present; otherwise why the CUDA tests skip.</summary>
    public static string? CudaSkipReason => Cuda.Value.Context is null ? "no CUDA device: " + Cuda.Value.Reason : null;

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string> { "cpu" };
            if (CudaSkipReason is null)
            {
                data.Add("cuda");
            }
            return data;
        }
    }

    public static KernelContext Get(string name) => name switch
    {
        "cpu" => Cpu.Value,
        "cuda" => Cuda.Value.Context ?? throw new InvalidOperationException(CudaSkipReason),
        _ => throw new ArgumentException($"Unknown backend {name}.", nameof(name)),
    };

    /// <summary>Runs one self-test case by name and fails the test with its message.</summary>
    public static void RunCase(string backend, string caseName)
    {
        var result = Assert.Single(KernelSelfTest.Run(Get(backend), KernelSelfTest.Cases.Where(c => c.Name == caseName)));
        Assert.True(result.Passed, $"{caseName} on {backend}: {result.Message}");
    }
}

/// <summary>Tests that launch kernels: run one at a time (the CPU accelerator simulates a whole device per launch).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AcceleratorCollection
{
    public const string Name = "accelerators";
}

/// <summary>A fact that needs a CUDA device; skipped, with the reason, when there is none.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (Backends.CudaSkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
