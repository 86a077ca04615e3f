using Kernels.Cpu;

namespace Kernels.Tests;

/// <summary>
/// The runtimes every kernel test runs on: the CPU executor always. The CUDA runtime joins when a device is
/// present: add it in <see cref="Create"/> once Kernels.Cuda exists (the hook is the name "cuda").
/// </summary>
public static class Backends
{
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string> { "cpu" };
            return data;
        }
    }

    public static IKernelRuntime Create(string name) => name switch
    {
        "cpu" => new CpuRuntime(),
        _ => throw new ArgumentException($"Unknown backend {name}.", nameof(name)),
    };
}
