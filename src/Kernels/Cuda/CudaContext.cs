namespace Kernels.Cuda;

/// <summary>
/// A CUDA context on one device. The driver keeps a current context per host thread: creating one makes it
/// current on the creating thread, and any other thread that launches or copies must call
/// <see cref="MakeCurrent"/> first (EngineCore does so once on its own thread). Objects created through this
/// host (buffers, modules, streams, events) enter the context themselves and keep it alive until disposed.
/// </summary>
public sealed unsafe class CudaContext : IDisposable
{
    private readonly CudaContextHandle _handle;

    private CudaContext(CudaDevice device, CudaContextHandle handle)
    {
        Device = device;
        _handle = handle;
    }

    /// <summary>
    /// Retains the device's primary context, the one the CUDA runtime (and so PyTorch) shares, and makes it
    /// current on this thread. This is the default for the engine.
    /// </summary>
    public static CudaContext CreatePrimary(CudaDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        nint context;
        CudaCheck.Ok(CudaNative.cuDevicePrimaryCtxRetain(&context, device.Handle), "cuDevicePrimaryCtxRetain");
        var result = new CudaContext(device, new CudaContextHandle(context, device.Handle));
        result.MakeCurrent();
        return result;
    }

    /// <summary>Creates a private context (<c>cuCtxCreate_v2</c>, default flags), current on this thread.</summary>
    public static CudaContext Create(CudaDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        nint context;
        CudaCheck.Ok(CudaNative.cuCtxCreate(&context, 0, device.Handle), "cuCtxCreate_v2");
        return new CudaContext(device, new CudaContextHandle(context, CudaContextHandle.NotPrimary));
    }

    public CudaDevice Device { get; }

    internal CudaContextHandle Handle => _handle;

    /// <summary>Binds this context to the calling thread (<c>cuCtxSetCurrent</c>).</summary>
    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        CudaCheck.Ok(CudaNative.cuCtxSetCurrent(_handle.DangerousGetHandle()), "cuCtxSetCurrent");
    }

    /// <summary>Blocks until all work queued in this context has finished; asynchronous kernel faults surface here.</summary>
    public void Synchronize()
    {
        using var scope = Enter();
        CudaCheck.Ok(CudaNative.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    /// <summary>Free and total device memory in bytes as the driver sees it now (<c>cuMemGetInfo_v2</c>).</summary>
    public CudaMemoryInfo GetMemoryInfo()
    {
        using var scope = Enter();
        nuint free, total;
        CudaCheck.Ok(CudaNative.cuMemGetInfo(&free, &total), "cuMemGetInfo_v2");
        return new CudaMemoryInfo((long)free, (long)total);
    }

    /// <summary>Pushes this context for the scope's lifetime and pops it after, leaving the thread as it was.</summary>
    internal ContextScope Enter()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        CudaCheck.Ok(CudaNative.cuCtxPushCurrent(_handle.DangerousGetHandle()), "cuCtxPushCurrent_v2");
        return default;
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>Pops the context <see cref="Enter"/> pushed.</summary>
    internal readonly struct ContextScope : IDisposable
    {
        public void Dispose()
        {
            nint popped;
            _ = CudaNative.cuCtxPopCurrent(&popped);
        }
    }
}
