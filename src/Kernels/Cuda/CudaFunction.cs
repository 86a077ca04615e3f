using System.Globalization;

namespace Kernels.Cuda;

/// <summary>
/// One kernel entry of a loaded <see cref="CudaModule"/>. Valid while its module is; the module owns the
/// native object. Launches are asynchronous: a fault inside the kernel surfaces at the next synchronising call
/// (<see cref="CudaStream.Synchronize"/>, <see cref="CudaContext.Synchronize"/>, a synchronous copy).
/// </summary>
public sealed unsafe class CudaFunction
{
    private readonly nint _function;

    internal CudaFunction(CudaModule module, nint function, string name)
    {
        Module = module;
        _function = function;
        Name = name;
    }

    public CudaModule Module { get; }

    /// <summary>The <c>.entry</c> name.</summary>
    public string Name { get; }

    /// <summary>Registers per thread the JIT allocated.</summary>
    public int RegisterCount => GetAttribute(CuFunctionAttribute.NumRegisters);

    /// <summary>The largest block this kernel can launch with, given its register use.</summary>
    public int MaxThreadsPerBlock => GetAttribute(CuFunctionAttribute.MaxThreadsPerBlock);

    /// <summary>Bytes of statically declared shared memory.</summary>
    public int StaticSharedBytes => GetAttribute(CuFunctionAttribute.SharedSizeBytes);

    /// <summary>Bytes of local (spill and stack) memory per thread.</summary>
    public int LocalBytes => GetAttribute(CuFunctionAttribute.LocalSizeBytes);

    public int GetAttribute(CuFunctionAttribute attribute)
    {
        int value;
        CudaCheck.Ok(CudaNative.cuFuncGetAttribute(&value, attribute, _function), "cuFuncGetAttribute");
        return value;
    }

    /// <summary>
    /// Opts in to more than 48 KiB of dynamic shared memory per block. Static plus dynamic shared memory must stay
    /// within <see cref="CudaDevice.MaxSharedMemoryPerBlockOptin"/>.
    /// </summary>
    public void SetMaxDynamicSharedMemory(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        CudaCheck.Ok(
            CudaNative.cuFuncSetAttribute(_function, CuFunctionAttribute.MaxDynamicSharedSizeBytes, bytes),
            "cuFuncSetAttribute");
    }

    /// <summary>
    /// How many blocks of <paramref name="blockSize"/> threads using <paramref name="dynamicSharedBytes"/> can be
    /// resident on one SM at once, given this kernel's registers and shared memory
    /// (<c>cuOccupancyMaxActiveBlocksPerMultiprocessor</c>). Times the SM count, it is the largest grid that
    /// runs in one wave.
    /// </summary>
    public int MaxActiveBlocksPerMultiprocessor(int blockSize, int dynamicSharedBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegative(dynamicSharedBytes);
        int blocks;
        CudaCheck.Ok(
            CudaNative.cuOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, _function, blockSize, (nuint)dynamicSharedBytes),
            "cuOccupancyMaxActiveBlocksPerMultiprocessor");
        return blocks;
    }

    /// <summary>
    /// Queues the kernel on <paramref name="stream"/> (null: the default stream) with <paramref name="grid"/> ×
    /// <paramref name="block"/> threads and <paramref name="sharedBytes"/> of dynamic shared memory.
    /// <paramref name="argumentPointers"/> holds, per kernel parameter in order, the host address of its value;
    /// the driver copies the values before this returns, so they need only live for the call. The count must
    /// match the kernel's parameter list exactly: the driver cannot check it.
    /// </summary>
    public void Launch(Dim3 grid, Dim3 block, int sharedBytes, CudaStream? stream, ReadOnlySpan<nint> argumentPointers)
    {
        // A function dies with its module; launching a freed one is undefined behaviour in the driver.
        ObjectDisposedException.ThrowIf(Module.IsClosed, Module);
        fixed (nint* pointers = argumentPointers)
        {
            var result = CudaNative.cuLaunchKernel(
                _function,
                (uint)grid.X, (uint)grid.Y, (uint)grid.Z,
                (uint)block.X, (uint)block.Y, (uint)block.Z,
                (uint)sharedBytes, CudaStream.HandleOf(stream), (void**)pointers, null);
            if (result != CuResult.Success)
            {
                ThrowLaunchFailed(result, grid, block, sharedBytes, argumentPointers.Length);
            }
        }
    }

    /// <summary>Queues the kernel with parameters gathered in <paramref name="arguments"/>; allocates nothing.</summary>
    public void Launch(Dim3 grid, Dim3 block, int sharedBytes, CudaStream? stream, in KernelArguments arguments)
    {
        Span<nint> pointers = stackalloc nint[KernelArguments.MaxCount];
        arguments.WritePointers(pointers);
        Launch(grid, block, sharedBytes, stream, pointers[..arguments.Count]);
    }

    private void ThrowLaunchFailed(CuResult result, Dim3 grid, Dim3 block, int sharedBytes, int argumentCount) =>
        throw new CudaException(
            "cuLaunchKernel",
            result,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Kernel '{Name}': grid ({grid.X}, {grid.Y}, {grid.Z}), block ({block.X}, {block.Y}, {block.Z}), {sharedBytes} dynamic shared bytes, {argumentCount} arguments."));
}
