using System.Runtime.InteropServices;

namespace Kernels.Cuda;

/// <summary>
/// Owns one reference to a CUcontext: a retained primary context (released with
/// <c>cuDevicePrimaryCtxRelease_v2</c>) or a created one (destroyed with <c>cuCtxDestroy_v2</c>). Objects made in
/// the context hold a SafeHandle reference on it, so the context outlives every module, buffer and stream.
/// </summary>
internal sealed class CudaContextHandle : SafeHandle
{
    private readonly int _primaryDevice;

    public CudaContextHandle(nint context, int primaryDevice)
        : base(0, ownsHandle: true)
    {
        _primaryDevice = primaryDevice;
        SetHandle(context);
    }

    public const int NotPrimary = -1;

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() =>
        (_primaryDevice == NotPrimary
            ? CudaNative.cuCtxDestroy(handle)
            : CudaNative.cuDevicePrimaryCtxRelease(_primaryDevice)) == CuResult.Success;
}
