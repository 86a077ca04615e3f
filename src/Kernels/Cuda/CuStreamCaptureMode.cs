namespace Kernels.Cuda;

/// <summary><c>CUstreamCaptureMode</c> with the numbers from <c>cuda.h</c>.</summary>
internal enum CuStreamCaptureMode
{
    Global = 0,
    ThreadLocal = 1,
    Relaxed = 2,
}
