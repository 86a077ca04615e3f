namespace Kernels;

/// <summary>
/// A backend that runs compiled kernels: the CPU executor (<see cref="Cpu.CpuRuntime"/>) or the CUDA host.
/// Arguments are the kernel method's arguments in order (views, scalars, structs), flattened by
/// <see cref="CompiledKernel.FlattenArguments"/> into the PTX parameter list.
/// </summary>
public interface IKernelRuntime
{
    string Name { get; }

    /// <summary>Allocates a zeroed device buffer of <paramref name="length"/> elements.</summary>
    IDeviceBuffer<T> Allocate<T>(int length)
        where T : unmanaged;

    /// <summary>Runs <paramref name="kernel"/> on grid × block threads and waits for it to finish.</summary>
    void Launch(CompiledKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, params object[] args);
}
