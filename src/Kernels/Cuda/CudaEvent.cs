namespace Kernels.Cuda;

/// <summary>
/// A marker recorded into a stream. With timing enabled, two events measure the device time between them
/// without host overhead, which is how kernels and copies are benchmarked.
/// </summary>
public sealed unsafe class CudaEvent : IDisposable
{
    private const uint DisableTimingFlag = 2; // CU_EVENT_DISABLE_TIMING

    private readonly CudaResourceHandle _handle;

    private CudaEvent(CudaResourceHandle handle) => _handle = handle;

    /// <summary>Creates an event; <paramref name="timing"/> false makes record and wait cheaper but forbids <see cref="ElapsedMilliseconds"/>.</summary>
    public static CudaEvent Create(CudaContext context, bool timing = true)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = context.Enter();
        nint evt;
        CudaCheck.Ok(CudaNative.cuEventCreate(&evt, timing ? 0 : DisableTimingFlag), "cuEventCreate");
        return new CudaEvent(new CudaResourceHandle(context.Handle, CudaResourceKind.Event, evt));
    }

    internal nint NativeHandle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>Enqueues the event on <paramref name="stream"/> (null: the default stream).</summary>
    public void Record(CudaStream? stream = null) =>
        CudaCheck.Ok(CudaNative.cuEventRecord(NativeHandle, CudaStream.HandleOf(stream)), "cuEventRecord");

    /// <summary>Blocks the host until the work before the last <see cref="Record"/> has completed.</summary>
    public void Synchronize() =>
        CudaCheck.Ok(CudaNative.cuEventSynchronize(NativeHandle), "cuEventSynchronize");

    /// <summary>True when the work before the last <see cref="Record"/> has completed (<c>cuEventQuery</c>); never blocks.</summary>
    public bool IsComplete => CudaCompletion.IsComplete(CudaNative.cuEventQuery(NativeHandle), "cuEventQuery");

    /// <summary>
    /// Device milliseconds from <paramref name="start"/> to <paramref name="end"/> (about 0.5 µs resolution).
    /// Both must have been recorded and <paramref name="end"/> completed; call <see cref="Synchronize"/> on it first.
    /// </summary>
    public static float ElapsedMilliseconds(CudaEvent start, CudaEvent end)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        float ms;
        CudaCheck.Ok(CudaNative.cuEventElapsedTime(&ms, start.NativeHandle, end.NativeHandle), "cuEventElapsedTime");
        return ms;
    }

    public void Dispose() => _handle.Dispose();
}
