using System.Runtime.InteropServices;

namespace Kernels.Cuda;

/// <summary>
/// The driver API entry points, bound by exact exported name. Where <c>cuda.h</c> maps a name to a versioned
/// symbol (<c>#define cuMemAlloc cuMemAlloc_v2</c>) the versioned one is bound, because the plain symbol keeps
/// its old 32-bit ABI for binary compatibility. Handles (CUcontext, CUmodule, CUfunction, CUstream, CUevent)
/// are <c>nint</c>, CUdevice is <c>int</c>, CUdeviceptr is <c>ulong</c> and size_t is <c>nuint</c>.
/// </summary>
internal static unsafe partial class CudaNative
{
    // Explicit static constructor: the type is not beforefieldinit, so this runs before any import is called.
    static CudaNative() => CudaLibrary.RegisterResolver();

    private const string Lib = CudaLibrary.ImportName;

    // Initialisation and errors.
    [LibraryImport(Lib)] internal static partial CuResult cuInit(uint flags);
    [LibraryImport(Lib)] internal static partial CuResult cuDriverGetVersion(int* version);
    [LibraryImport(Lib)] internal static partial CuResult cuGetErrorName(CuResult error, byte** text);
    [LibraryImport(Lib)] internal static partial CuResult cuGetErrorString(CuResult error, byte** text);

    // Devices.
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGetCount(int* count);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGet(int* device, int ordinal);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGetAttribute(int* value, CuDeviceAttribute attribute, int device);
    [LibraryImport(Lib, EntryPoint = "cuDeviceTotalMem_v2")] internal static partial CuResult cuDeviceTotalMem(nuint* bytes, int device);

    // Contexts.
    [LibraryImport(Lib, EntryPoint = "cuCtxCreate_v2")] internal static partial CuResult cuCtxCreate(nint* context, uint flags, int device);
    [LibraryImport(Lib, EntryPoint = "cuCtxDestroy_v2")] internal static partial CuResult cuCtxDestroy(nint context);
    [LibraryImport(Lib)] internal static partial CuResult cuDevicePrimaryCtxRetain(nint* context, int device);
    [LibraryImport(Lib, EntryPoint = "cuDevicePrimaryCtxRelease_v2")] internal static partial CuResult cuDevicePrimaryCtxRelease(int device);
    [LibraryImport(Lib)] internal static partial CuResult cuCtxSetCurrent(nint context);
    [LibraryImport(Lib, EntryPoint = "cuCtxPushCurrent_v2")] internal static partial CuResult cuCtxPushCurrent(nint context);
    [LibraryImport(Lib, EntryPoint = "cuCtxPopCurrent_v2")] internal static partial CuResult cuCtxPopCurrent(nint* context);
    [LibraryImport(Lib)] internal static partial CuResult cuCtxSynchronize();
    [LibraryImport(Lib, EntryPoint = "cuMemGetInfo_v2")] internal static partial CuResult cuMemGetInfo(nuint* free, nuint* total);

    // Device and pinned host memory.
    [LibraryImport(Lib, EntryPoint = "cuMemAlloc_v2")] internal static partial CuResult cuMemAlloc(ulong* pointer, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemFree_v2")] internal static partial CuResult cuMemFree(ulong pointer);
    [LibraryImport(Lib, EntryPoint = "cuMemAllocHost_v2")] internal static partial CuResult cuMemAllocHost(void** pointer, nuint bytes);
    [LibraryImport(Lib)] internal static partial CuResult cuMemFreeHost(void* pointer);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoD_v2")] internal static partial CuResult cuMemcpyHtoD(ulong destination, void* source, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoH_v2")] internal static partial CuResult cuMemcpyDtoH(void* destination, ulong source, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoD_v2")] internal static partial CuResult cuMemcpyDtoD(ulong destination, ulong source, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoDAsync_v2")] internal static partial CuResult cuMemcpyHtoDAsync(ulong destination, void* source, nuint bytes, nint stream);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoHAsync_v2")] internal static partial CuResult cuMemcpyDtoHAsync(void* destination, ulong source, nuint bytes, nint stream);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoDAsync_v2")] internal static partial CuResult cuMemcpyDtoDAsync(ulong destination, ulong source, nuint bytes, nint stream);
    [LibraryImport(Lib, EntryPoint = "cuMemsetD8_v2")] internal static partial CuResult cuMemsetD8(ulong destination, byte value, nuint count);
    [LibraryImport(Lib, EntryPoint = "cuMemsetD32_v2")] internal static partial CuResult cuMemsetD32(ulong destination, uint value, nuint count);
    [LibraryImport(Lib)] internal static partial CuResult cuMemsetD8Async(ulong destination, byte value, nuint count, nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuMemsetD32Async(ulong destination, uint value, nuint count, nint stream);

    // Modules and functions.
    [LibraryImport(Lib)] internal static partial CuResult cuModuleLoadDataEx(nint* module, void* image, uint optionCount, CuJitOption* options, void** optionValues);
    [LibraryImport(Lib)] internal static partial CuResult cuModuleUnload(nint module);
    [LibraryImport(Lib)] internal static partial CuResult cuModuleGetFunction(nint* function, nint module, byte* name);
    [LibraryImport(Lib)] internal static partial CuResult cuFuncGetAttribute(int* value, CuFunctionAttribute attribute, nint function);
    [LibraryImport(Lib)] internal static partial CuResult cuFuncSetAttribute(nint function, CuFunctionAttribute attribute, int value);
    [LibraryImport(Lib)] internal static partial CuResult cuOccupancyMaxActiveBlocksPerMultiprocessor(int* blocks, nint function, int blockSize, nuint dynamicSharedBytes);
    [LibraryImport(Lib)]
    internal static partial CuResult cuLaunchKernel(
        nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, nint stream, void** kernelParams, void** extra);

    // Streams and events.
    [LibraryImport(Lib)] internal static partial CuResult cuStreamCreate(nint* stream, uint flags);
    [LibraryImport(Lib, EntryPoint = "cuStreamDestroy_v2")] internal static partial CuResult cuStreamDestroy(nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuStreamSynchronize(nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuStreamQuery(nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuStreamWaitEvent(nint stream, nint evt, uint flags);
    [LibraryImport(Lib)] internal static partial CuResult cuEventCreate(nint* evt, uint flags);
    [LibraryImport(Lib, EntryPoint = "cuEventDestroy_v2")] internal static partial CuResult cuEventDestroy(nint evt);
    [LibraryImport(Lib)] internal static partial CuResult cuEventRecord(nint evt, nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuEventSynchronize(nint evt);
    [LibraryImport(Lib)] internal static partial CuResult cuEventQuery(nint evt);
    [LibraryImport(Lib)] internal static partial CuResult cuEventElapsedTime(float* milliseconds, nint start, nint end);
}
