namespace Kernels.Cuda;

/// <summary>
/// An in-order queue of device work. Passing <c>null</c> where a stream is expected means the context's
/// legacy default stream, which synchronises with every blocking stream.
/// </summary>
public sealed unsafe class CudaStream : IDisposable
{
    private const uint NonBlockingFlag = 1; // CU_STREAM_NON_BLOCKING

    private readonly CudaResourceHandle _handle;

    private CudaStream(CudaContext context, CudaResourceHandle handle)
    {
        Context = context;
        _handle = handle;
    }

    /// <summary>
    /// Creates a stream. <paramref name="nonBlocking"/> (the default) lets it run concurrently with the default
    /// stream instead of implicitly waiting on it.
    /// </summary>
    public static CudaStream Create(CudaContext context, bool nonBlocking = true)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = context.Enter();
        nint stream;
        CudaCheck.Ok(CudaNative.cuStreamCreate(&stream, nonBlocking ? NonBlockingFlag : 0), "cuStreamCreate");
        return new CudaStream(context, new CudaResourceHandle(context.Handle, CudaResourceKind.Stream, stream));
    }

    public CudaContext Context { get; }

    /// <summary>The raw CUstream, for callers that hand it to another library.</summary>
    public nint NativeHandle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>Blocks until every operation queued on this stream has completed.</summary>
    public void Synchronize() =>
        CudaCheck.Ok(CudaNative.cuStreamSynchronize(NativeHandle), "cuStreamSynchronize");

    /// <summary>True when everything queued so far has completed (<c>cuStreamQuery</c>); never blocks.</summary>
    public bool IsComplete => CudaCompletion.IsComplete(CudaNative.cuStreamQuery(NativeHandle), "cuStreamQuery");

    /// <summary>
    /// Makes work queued on this stream after this call wait until <paramref name="evt"/>'s last record has
    /// completed, without blocking the host: how one stream consumes another's output.
    /// </summary>
    public void Wait(CudaEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        CudaCheck.Ok(CudaNative.cuStreamWaitEvent(NativeHandle, evt.NativeHandle, 0), "cuStreamWaitEvent");
    }

    public void Dispose() => _handle.Dispose();

    internal static nint HandleOf(CudaStream? stream) => stream is null ? 0 : stream.NativeHandle;
}
