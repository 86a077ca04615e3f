using System.Runtime.InteropServices;

namespace Kernels.Cuda;

/// <summary>
/// A driver object that belongs to a context (device memory, pinned memory, module, stream, event). Releasing
/// it pushes that context first, because the free calls act on the calling thread's current context and a
/// finalizer or another thread may be the one disposing it; then it drops its reference on the context.
/// </summary>
internal sealed unsafe class CudaResourceHandle : SafeHandle
{
    private readonly CudaContextHandle _context;
    private readonly CudaResourceKind _kind;

    public CudaResourceHandle(CudaContextHandle context, CudaResourceKind kind, nint value)
        : base(0, ownsHandle: true)
    {
        var added = false;
        context.DangerousAddRef(ref added);
        _context = context;
        _kind = kind;
        SetHandle(value);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        var pushed = CudaNative.cuCtxPushCurrent(_context.DangerousGetHandle()) == CuResult.Success;
        try
        {
            var result = _kind switch
            {
                CudaResourceKind.DeviceMemory => CudaNative.cuMemFree((ulong)handle),
                CudaResourceKind.PinnedHostMemory => CudaNative.cuMemFreeHost((void*)handle),
                CudaResourceKind.Module => CudaNative.cuModuleUnload(handle),
                CudaResourceKind.Stream => CudaNative.cuStreamDestroy(handle),
                CudaResourceKind.Event => CudaNative.cuEventDestroy(handle),
                _ => CuResult.ErrorInvalidValue,
            };
            return result == CuResult.Success;
        }
        finally
        {
            if (pushed)
            {
                nint popped;
                _ = CudaNative.cuCtxPopCurrent(&popped);
            }
            _context.DangerousRelease();
        }
    }
}
