using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

public sealed class CudaExceptionTests
{
    [Fact]
    public void MessageNamesCallResultNumberAndDescription()
    {
        var e = new CudaException("cuMemAlloc_v2", CuResult.ErrorOutOfMemory, null, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory");

        Assert.Equal("cuMemAlloc_v2 failed with CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", e.Message);
        Assert.Equal("cuMemAlloc_v2", e.Call);
        Assert.Equal(CuResult.ErrorOutOfMemory, e.Result);
        Assert.Equal("out of memory", e.ErrorDescription);
    }

    [Fact]
    public void MessageEndsWithDetail_WhenDetailIsGiven()
    {
        var e = new CudaException(
            "cuModuleLoadDataEx", CuResult.ErrorInvalidPtx, "JIT error log:\nline 12; error: Unknown symbol '%r9'",
            "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed");

        Assert.Equal(
            "cuModuleLoadDataEx failed with CUDA_ERROR_INVALID_PTX (218): a PTX JIT compilation failed\nJIT error log:\nline 12; error: Unknown symbol '%r9'",
            e.Message);
        Assert.StartsWith("JIT error log:", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicConstructorNamesTheResult_WithOrWithoutDriver()
    {
        // With a driver the name comes from cuGetErrorName, without one from the header spelling; both agree.
        var e = new CudaException("cuLaunchKernel", CuResult.ErrorLaunchFailed);

        Assert.Equal("CUDA_ERROR_LAUNCH_FAILED", e.ErrorName);
        Assert.StartsWith("cuLaunchKernel failed with CUDA_ERROR_LAUNCH_FAILED (719)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageGivesNumber_WhenResultIsNotNamed()
    {
        var e = new CudaException("cuInit", (CuResult)4242, null, CuResultNames.HeaderName((CuResult)4242), null);

        Assert.Equal("cuInit failed with CUresult 4242 (4242)", e.Message);
    }

    [Fact]
    public void CheckThrowsCudaException_OnlyForNonSuccess()
    {
        CudaCheck.Ok(CuResult.Success, "cuCtxSynchronize");
        var e = Assert.Throws<CudaException>(() => CudaCheck.Ok(CuResult.ErrorIllegalAddress, "cuCtxSynchronize"));
        Assert.Equal("cuCtxSynchronize", e.Call);
        Assert.Equal(CuResult.ErrorIllegalAddress, e.Result);
    }
}
