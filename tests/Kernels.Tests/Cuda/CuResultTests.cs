using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

public sealed class CuResultTests
{
    // Numbers from cuda.h (CUDA 12.9, enum cudaError_enum), checked against the header text, not this enum.
    [Theory]
    [InlineData(CuResult.Success, 0, "CUDA_SUCCESS")]
    [InlineData(CuResult.ErrorInvalidValue, 1, "CUDA_ERROR_INVALID_VALUE")]
    [InlineData(CuResult.ErrorOutOfMemory, 2, "CUDA_ERROR_OUT_OF_MEMORY")]
    [InlineData(CuResult.ErrorNotInitialized, 3, "CUDA_ERROR_NOT_INITIALIZED")]
    [InlineData(CuResult.ErrorDeinitialized, 4, "CUDA_ERROR_DEINITIALIZED")]
    [InlineData(CuResult.ErrorStubLibrary, 34, "CUDA_ERROR_STUB_LIBRARY")]
    [InlineData(CuResult.ErrorNoDevice, 100, "CUDA_ERROR_NO_DEVICE")]
    [InlineData(CuResult.ErrorInvalidDevice, 101, "CUDA_ERROR_INVALID_DEVICE")]
    [InlineData(CuResult.ErrorInvalidImage, 200, "CUDA_ERROR_INVALID_IMAGE")]
    [InlineData(CuResult.ErrorInvalidContext, 201, "CUDA_ERROR_INVALID_CONTEXT")]
    [InlineData(CuResult.ErrorNoBinaryForGpu, 209, "CUDA_ERROR_NO_BINARY_FOR_GPU")]
    [InlineData(CuResult.ErrorInvalidPtx, 218, "CUDA_ERROR_INVALID_PTX")]
    [InlineData(CuResult.ErrorJitCompilerNotFound, 221, "CUDA_ERROR_JIT_COMPILER_NOT_FOUND")]
    [InlineData(CuResult.ErrorUnsupportedPtxVersion, 222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION")]
    [InlineData(CuResult.ErrorInvalidHandle, 400, "CUDA_ERROR_INVALID_HANDLE")]
    [InlineData(CuResult.ErrorNotFound, 500, "CUDA_ERROR_NOT_FOUND")]
    [InlineData(CuResult.ErrorNotReady, 600, "CUDA_ERROR_NOT_READY")]
    [InlineData(CuResult.ErrorIllegalAddress, 700, "CUDA_ERROR_ILLEGAL_ADDRESS")]
    [InlineData(CuResult.ErrorLaunchOutOfResources, 701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES")]
    [InlineData(CuResult.ErrorMisalignedAddress, 716, "CUDA_ERROR_MISALIGNED_ADDRESS")]
    [InlineData(CuResult.ErrorInvalidPc, 718, "CUDA_ERROR_INVALID_PC")]
    [InlineData(CuResult.ErrorLaunchFailed, 719, "CUDA_ERROR_LAUNCH_FAILED")]
    [InlineData(CuResult.ErrorNotSupported, 801, "CUDA_ERROR_NOT_SUPPORTED")]
    [InlineData(CuResult.ErrorMpsRpcFailure, 806, "CUDA_ERROR_MPS_RPC_FAILURE")]
    [InlineData(CuResult.ErrorStreamCaptureUnsupported, 900, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED")]
    [InlineData(CuResult.ErrorKeyRotation, 916, "CUDA_ERROR_KEY_ROTATION")]
    [InlineData(CuResult.ErrorUnknown, 999, "CUDA_ERROR_UNKNOWN")]
    public void MatchesHeaderNumberAndName(CuResult result, int headerValue, string headerName)
    {
        Assert.Equal(headerValue, (int)result);
        Assert.Equal(headerName, CuResultNames.HeaderName(result));
    }

    [Fact]
    public void EveryMemberHasADistinctNumber()
    {
        var values = Enum.GetValues<CuResult>().Select(v => (int)v).ToArray();
        Assert.Equal(values.Length, values.Distinct().Count());
    }

    [Fact]
    public void EveryHeaderNameIsScreamingSnakeCaseWithThePrefix()
    {
        foreach (var result in Enum.GetValues<CuResult>())
        {
            var name = CuResultNames.HeaderName(result);
            Assert.Matches("^CUDA_(SUCCESS|ERROR_[A-Z0-9]+(_[A-Z0-9]+)*)$", name);
        }
    }

    [Fact]
    public void HeaderNameGivesTheNumber_WhenValueIsNotNamed()
    {
        Assert.Equal("CUresult 12345", CuResultNames.HeaderName((CuResult)12345));
    }
}
