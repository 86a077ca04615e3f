namespace Kernels.Cpu;

/// <summary>
/// Runs compiled kernels on the CPU by interpreting their optimised IR (not the C# source) with GPU
/// semantics: blocks of threads in warps of 32, barriers, warp collectives and shared memory as on the
/// device. Blocks run one after another; slow, but faithful enough to test the compiler and the kernels.
/// </summary>
public sealed class CpuRuntime : IKernelRuntime
{
    private readonly CpuMemory _memory = new();

    public string Name => "cpu";

    public IDeviceBuffer<T> Allocate<T>(int length)
        where T : unmanaged => new CpuBuffer<T>(_memory, length);

    public void Launch(CompiledKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (grid.Volume <= 0 || block.Volume <= 0 || block.Volume > 1024)
        {
            throw new KernelExecutionException($"Kernel {kernel.EntryName}: invalid launch shape grid {grid}, block {block} (1..1024 threads per block).");
        }
        var parameters = kernel.FlattenArguments(args);
        var program = CpuProgram.For(kernel);
        var launch = new LaunchContext(kernel.EntryName, _memory, grid, block, dynamicSharedBytes, parameters);
        for (var z = 0; z < grid.Z; z++)
        {
            for (var y = 0; y < grid.Y; y++)
            {
                for (var x = 0; x < grid.X; x++)
                {
                    new BlockExecutor(program, launch, (x, y, z)).Run();
                }
            }
        }
    }
}
