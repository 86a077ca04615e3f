using Kernels.Cpu;
using Kernels.Cuda;

namespace Kernels.Tests;

/// <summary>
/// The runtimes every kernel test runs on: the CPU executor always, and "cuda" (a <see cref="CudaKernelRuntime"/>
/// on device 0's primary context) when a driver and a device are present.
/// </summary>
public static class Backends
{
    // One runtime for the whole test run: modules load once, and the primary context lives as long as the process.
    private static readonly Lazy<CudaKernelRuntime> Cuda = new(() => CudaKernelRuntime.Create(0));

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string> { "cpu" };
            if (CudaDevice.IsAvailable)
            {
                data.Add("cuda");
            }
            return data;
        }
    }

    public static IKernelRuntime Create(string name) => name switch
    {
        "cpu" => new CpuRuntime(),
        "cuda" => CurrentCuda(),
        _ => throw new ArgumentException($"Unknown backend {name}.", nameof(name)),
    };

    private static CudaKernelRuntime CurrentCuda()
    {
        // xunit runs tests on pool threads; the driver's current context is per thread.
        var runtime = Cuda.Value;
        runtime.Context.MakeCurrent();
        return runtime;
    }
}
