namespace Kernels.Cuda;

/// <summary>Function attributes ILGPU has no call for.</summary>
internal static class CudaFunctions
{
    /// <summary>Raises the function's dynamic shared memory cap to <paramref name="bytes"/> (needed above 48 KB).</summary>
    public static void SetMaxDynamicSharedMemory(nint function, int bytes) =>
        CudaCheck.Ok(CudaNative.cuFuncSetAttribute(function, CuFunctionAttribute.MaxDynamicSharedSizeBytes, bytes), "cuFuncSetAttribute");
}
