namespace Kernels.Cuda;

/// <summary>
/// Reads a query call's result: <c>CUDA_ERROR_NOT_READY</c> is the ordinary "still running" answer, not a
/// failure, while any other error (such as a kernel fault) still throws.
/// </summary>
internal static class CudaCompletion
{
    public static bool IsComplete(CuResult result, string call)
    {
        if (result == CuResult.ErrorNotReady)
        {
            return false;
        }
        CudaCheck.Ok(result, call);
        return true;
    }
}
